package dk.vejsyn.api.road;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.config.ApiProperties;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The OGC API – Features collection {@code road_segments} beside {@code findings} (QGIS, GDAL's
 * OAPIF driver): LineStrings in CRS84 with the same properties as the REST API; bbox, limit and
 * offset paging with {@code next} links. The OGC landing page and collection list are the ogc
 * package's; it lists this collection through {@link #describe}.
 */
@RestController
@Tag(name = "ogc", description = "OGC API – Features")
public class RoadSegmentCollection {
    public static final String ID = "road_segments";
    static final String CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private static final String PATH = "/api/v1/municipalities/{code}/ogc/collections/" + ID;

    private final Municipalities municipalities;
    private final RoadConditions conditions;
    private final ApiProperties api;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    RoadSegmentCollection(Municipalities municipalities, RoadConditions conditions, ApiProperties api, JdbcClient jdbc,
            ObjectMapper json) {
        this.municipalities = municipalities;
        this.conditions = conditions;
        this.api = api;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The collection's description, for the collection list at {@code base/collections}. */
    public Map<String, Object> describe(Municipality m, String base) {
        double[] e = jdbc.sql("""
                SELECT ST_XMin(x), ST_YMin(x), ST_XMax(x), ST_YMax(x) FROM (SELECT ST_Extent(geom) AS x FROM road_segment
                WHERE municipality_id = ? AND retired_at IS NULL) t WHERE x IS NOT NULL""").param(m.id())
                .query((rs, n) -> new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)})
                .optional().orElse(new double[] {8.0, 54.5, 15.2, 57.8});
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", ID);
        c.put("title", "Road segments – " + m.name());
        c.put("description", "Stretches of the road network with condition 1-5 (5 good; null: not driven within the "
                + "rating window), last driven, potholes and crack length");
        c.put("itemType", "feature");
        c.put("crs", List.of(CRS84));
        c.put("extent", Map.of("spatial", Map.of("bbox", List.of(List.of(e[0], e[1], e[2], e[3])), "crs", CRS84)));
        c.put("links", List.of(
                link(base + "/collections/" + ID, "self", "application/json", "This collection"),
                link(base + "/collections/" + ID + "/items", "items", RoadSegmentController.GEO_JSON, "Road segments")));
        return c;
    }

    private static Map<String, Object> link(String href, String rel, String type, String title) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("href", href);
        l.put("rel", rel);
        l.put("type", type);
        l.put("title", title);
        return l;
    }

    private static String base(HttpServletRequest req, String code) {
        return ServletUriComponentsBuilder.fromContextPath(req).path("/api/v1/municipalities/{code}/ogc")
                .buildAndExpand(code).toUriString();
    }

    @GetMapping(value = PATH, produces = "application/json")
    Map<String, Object> collection(@PathVariable String code, HttpServletRequest req) {
        return describe(municipalities.require(code), base(req, code));
    }

    @GetMapping(value = PATH + "/items", produces = {RoadSegmentController.GEO_JSON, "application/json"})
    void items(@PathVariable String code, @RequestParam(required = false) String bbox,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset,
            HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Municipality m = municipalities.require(code);
        RoadSegmentQuery q = RoadSegmentQuery.parse(bbox, null, null, null, null, null, RoadSegmentQuery.Sort.ID);
        int lim = limit == null ? 100 : limit;
        if (lim < 1) {
            throw ApiException.badRequest("invalid-limit", "Invalid limit", "limit must be at least 1");
        }
        lim = Math.min(lim, api.ogcMaxLimit());
        int off = offset == null ? 0 : offset;
        if (off < 0) {
            throw ApiException.invalidParameter("offset must be at least 0");
        }
        List<SegmentState> all = q.apply(conditions.current(m.id(), q.bbox(), null, true));
        List<SegmentState> page = all.subList(Math.min(off, all.size()), Math.min(all.size(), off + lim));
        String self = ServletUriComponentsBuilder.fromRequest(req).toUriString();
        resp.setContentType(RoadSegmentController.GEO_JSON);
        resp.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = json.getFactory().createGenerator(resp.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeArrayFieldStart("features");
            for (SegmentState s : page) {
                RoadSegmentFeatures.write(g, s);
            }
            g.writeEndArray();
            g.writeStringField("timeStamp", Instant.now().toString());
            g.writeNumberField("numberMatched", all.size());
            g.writeNumberField("numberReturned", page.size());
            g.writeArrayFieldStart("links");
            g.writeObject(link(self, "self", RoadSegmentController.GEO_JSON, "This page"));
            if (off + page.size() < all.size()) {
                String next = UriComponentsBuilder.fromUriString(self).replaceQueryParam("offset", off + page.size())
                        .replaceQueryParam("limit", lim).build().toUriString();
                g.writeObject(link(next, "next", RoadSegmentController.GEO_JSON, "Next page"));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    @GetMapping(value = PATH + "/items/{featureId}", produces = {RoadSegmentController.GEO_JSON, "application/json"})
    void item(@PathVariable String code, @PathVariable long featureId, HttpServletResponse resp) throws IOException {
        Municipality m = municipalities.require(code);
        SegmentState s = conditions.current(m.id(), null, List.of(featureId), true).stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("feature-not-found", "Feature not found",
                        "no road segment " + featureId + " in collection " + ID));
        resp.setContentType(RoadSegmentController.GEO_JSON);
        resp.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = json.getFactory().createGenerator(resp.getOutputStream(), JsonEncoding.UTF8)) {
            RoadSegmentFeatures.write(g, s);
        }
    }
}
