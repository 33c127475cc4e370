package dk.vejsyn.api.ogc;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.config.ApiProperties;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingFeatures;
import dk.vejsyn.api.finding.FindingFilter;
import dk.vejsyn.api.finding.FindingQueries;
import dk.vejsyn.api.finding.FindingViews.FindingSummary;
import dk.vejsyn.api.geo.Bbox;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import dk.vejsyn.inference.detect.DamageType;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * OGC API – Features, Part 1 (Core + GeoJSON) over one municipality's findings, so GIS clients
 * (QGIS: "WFS / OGC API – Features", URL {@code http://host:8080/api/v1/municipalities/461/ogc})
 * add them as a layer. Collections: {@code findings} (every finding), and the same split by damage
 * family, {@code potholes} and {@code cracks} (every kind of crack), so a GIS adds each as a layer of
 * its own with its own style; geometry in CRS84 (lon/lat).
 */
@RestController
@RequestMapping("/api/v1/municipalities/{code}/ogc")
@Tag(name = "ogc", description = "OGC API – Features")
class OgcFeaturesController {

    static final String GEO_JSON = "application/geo+json";
    static final String CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    /** A collection: its id, title, description and the damage types it holds (empty: all). */
    private record Collection(String id, String title, String description, Set<DamageType> types) {}

    private static final List<Collection> COLLECTIONS = List.of(
            new Collection("findings", "Road damage findings",
                    "One feature per physical defect: type, family, status, severity 1-5, first/last seen, size", Set.of()),
            new Collection("potholes", "Potholes", "Pothole findings; size by area_m2",
                    DamageType.familyOf(DamageType.POTHOLE)),
            new Collection("cracks", "Cracks",
                    "Crack findings of every kind (crack, longitudinal_crack, transverse_crack, alligator_crack); "
                            + "size by length_m (alligator cracking by area_m2)",
                    DamageType.familyOf(DamageType.CRACK)));

    private final Municipalities municipalities;
    private final FindingQueries queries;
    private final ApiProperties api;
    private final ObjectMapper json;

    OgcFeaturesController(Municipalities municipalities, FindingQueries queries, ApiProperties api, ObjectMapper json) {
        this.municipalities = municipalities;
        this.queries = queries;
        this.api = api;
        this.json = json;
    }

    private static String base(HttpServletRequest req, String code) {
        return ServletUriComponentsBuilder.fromContextPath(req).path("/api/v1/municipalities/{code}/ogc")
                .buildAndExpand(code).toUriString();
    }

    private static Map<String, Object> link(String href, String rel, String type, String title) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("href", href);
        l.put("rel", rel);
        l.put("type", type);
        l.put("title", title);
        return l;
    }

    @GetMapping(produces = {MediaType.APPLICATION_JSON_VALUE})
    Map<String, Object> landing(@PathVariable String code, HttpServletRequest req) {
        Municipality m = municipalities.require(code);
        String b = base(req, code);
        String root = ServletUriComponentsBuilder.fromContextPath(req).toUriString();
        return Map.of(
                "title", "Vejsyn road damage – " + m.name() + " Kommune (" + m.code() + ")",
                "description", "Potholes and other road damage found in municipal vehicle camera footage",
                "links", List.of(
                        link(b, "self", "application/json", "This document"),
                        link(root + "/v3/api-docs", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "OpenAPI definition"),
                        link(root + "/swagger-ui.html", "service-doc", "text/html", "API documentation"),
                        link(b + "/conformance", "conformance", "application/json", "Conformance classes"),
                        link(b + "/collections", "data", "application/json", "Collections")));
    }

    @GetMapping(value = "/conformance", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> conformance(@PathVariable String code) {
        municipalities.require(code);
        return Map.of("conformsTo", List.of(
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"));
    }

    @GetMapping(value = "/collections", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> collections(@PathVariable String code, HttpServletRequest req) {
        Municipality m = municipalities.require(code);
        String b = base(req, code);
        return Map.of(
                "links", List.of(link(b + "/collections", "self", "application/json", "Collections")),
                "collections", COLLECTIONS.stream().map(c -> collection(m, b, c)).toList());
    }

    @GetMapping(value = "/collections/{collectionId}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> collection(@PathVariable String code, @PathVariable String collectionId, HttpServletRequest req) {
        Municipality m = municipalities.require(code);
        return collection(m, base(req, code), requireCollection(collectionId));
    }

    private Map<String, Object> collection(Municipality m, String b, Collection col) {
        double[] e = queries.extent(m.id()).orElse(new double[] {8.0, 54.5, 15.2, 57.8});
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", col.id());
        c.put("title", col.title() + " – " + m.name());
        c.put("description", col.description());
        c.put("itemType", "feature");
        c.put("crs", List.of(CRS84));
        c.put("extent", Map.of("spatial", Map.of("bbox", List.of(List.of(e[0], e[1], e[2], e[3])), "crs", CRS84)));
        c.put("links", List.of(
                link(b + "/collections/" + col.id(), "self", "application/json", "This collection"),
                link(b + "/collections/" + col.id() + "/items", "items", GEO_JSON, col.title())));
        return c;
    }

    private static Collection requireCollection(String collectionId) {
        return COLLECTIONS.stream().filter(c -> c.id().equals(collectionId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("collection-not-found", "Unknown collection",
                        "no collection '" + collectionId + "'; there are "
                                + COLLECTIONS.stream().map(Collection::id).collect(Collectors.joining(", "))));
    }

    @GetMapping(value = "/collections/{collectionId}/items", produces = {GEO_JSON, MediaType.APPLICATION_JSON_VALUE})
    void items(@PathVariable String code, @PathVariable String collectionId,
            @RequestParam(required = false) String bbox, @RequestParam(required = false) String datetime,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Long after,
            HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Municipality m = municipalities.require(code);
        Collection col = requireCollection(collectionId);
        int lim = limit == null ? 100 : limit;
        if (lim < 1) {
            throw ApiException.badRequest("invalid-limit", "Invalid limit", "limit must be at least 1");
        }
        lim = Math.min(lim, api.ogcMaxLimit());
        FindingFilter f = FindingFilter.ANY.withTypes(col.types());
        if (bbox != null && !bbox.isBlank()) {
            f = f.withBbox(Bbox.parse(bbox));
        }
        if (datetime != null && !datetime.isBlank()) {
            Instant[] interval = parseDatetime(datetime);
            f = f.withTime(interval[0], interval[1]);
        }
        List<FindingSummary> rows = queries.page(m.id(), f, after == null ? 0 : after, lim + 1);
        boolean more = rows.size() > lim;
        if (more) {
            rows = rows.subList(0, lim);
        }
        String self = ServletUriComponentsBuilder.fromRequest(req).toUriString();
        resp.setContentType(GEO_JSON);
        resp.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = json.getFactory().createGenerator(resp.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeArrayFieldStart("features");
            for (FindingSummary s : rows) {
                FindingFeatures.write(g, s);
            }
            g.writeEndArray();
            g.writeStringField("timeStamp", Instant.now().toString());
            g.writeNumberField("numberReturned", rows.size());
            g.writeArrayFieldStart("links");
            g.writeObject(link(self, "self", GEO_JSON, "This page"));
            if (more) {
                String next = UriComponentsBuilder.fromUriString(self).replaceQueryParam("after", rows.get(rows.size() - 1).id())
                        .replaceQueryParam("limit", lim).build().toUriString();
                g.writeObject(link(next, "next", GEO_JSON, "Next page"));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    @GetMapping(value = "/collections/{collectionId}/items/{featureId}", produces = {GEO_JSON, MediaType.APPLICATION_JSON_VALUE})
    void item(@PathVariable String code, @PathVariable String collectionId, @PathVariable long featureId,
            HttpServletResponse resp) throws IOException {
        Municipality m = municipalities.require(code);
        Collection col = requireCollection(collectionId);
        FindingSummary s = queries.find(m.id(), featureId)
                .filter(found -> col.types().isEmpty() || col.types().contains(DamageType.fromName(found.type())))
                .orElseThrow(() -> ApiException.findingNotFound(featureId));
        resp.setContentType(GEO_JSON);
        resp.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = json.getFactory().createGenerator(resp.getOutputStream(), JsonEncoding.UTF8)) {
            FindingFeatures.write(g, s);
        }
    }

    /** OGC {@code datetime}: an instant, or an interval {@code start/end} with {@code ..} or empty for open ends. */
    static Instant[] parseDatetime(String s) {
        try {
            if (s.contains("/")) {
                String[] p = s.split("/", -1);
                if (p.length != 2) {
                    throw new DateTimeParseException("interval", s, 0);
                }
                Instant start = open(p[0]) ? null : OffsetDateTime.parse(p[0]).toInstant();
                Instant end = open(p[1]) ? null : OffsetDateTime.parse(p[1]).toInstant();
                if (start != null && end != null && start.isAfter(end)) {
                    throw ApiException.invalidParameter("datetime interval starts after it ends");
                }
                return new Instant[] {start, end};
            }
            Instant t = OffsetDateTime.parse(s).toInstant();
            return new Instant[] {t, t};
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParameter("datetime must be an RFC 3339 date-time or interval (start/end, '..' for open), got '" + s + "'");
        }
    }

    private static boolean open(String s) {
        return s.isEmpty() || s.equals("..");
    }
}
