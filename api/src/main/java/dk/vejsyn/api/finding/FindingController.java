package dk.vejsyn.api.finding;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.config.ApiProperties;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingViews.FindingDetail;
import dk.vejsyn.api.finding.FindingViews.FindingPage;
import dk.vejsyn.api.geo.Bbox;
import dk.vejsyn.api.geo.GeoJsonPolygon;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The maintenance API. The tenant is the path segment {@code {code}} (three-digit municipality code);
 * nothing outside that municipality is visible.
 */
@RestController
@RequestMapping("/api/v1/municipalities/{code}/findings")
@Tag(name = "findings", description = "Findings (physical defects) of one municipality")
class FindingController {

    static final MediaType GEO_JSON = MediaType.parseMediaType("application/geo+json");

    private final Municipalities municipalities;
    private final FindingQueries queries;
    private final FindingStore store;
    private final ApiProperties api;
    private final ObjectMapper json;

    FindingController(Municipalities municipalities, FindingQueries queries, FindingStore store, ApiProperties api,
            ObjectMapper json) {
        this.municipalities = municipalities;
        this.queries = queries;
        this.store = store;
        this.api = api;
        this.json = json;
    }

    @GetMapping
    @Operation(summary = "List findings", description = "Filters combine with AND. Cursor pagination: pass nextCursor back as cursor with the same sort and order.")
    FindingPage list(@PathVariable String code,
            @ParameterObject FilterParams filter,
            @Parameter(description = "severity | last_seen | score | id") @RequestParam(required = false) String sort,
            @Parameter(description = "asc | desc (default)") @RequestParam(required = false) String order,
            @RequestParam(required = false) String cursor,
            @Parameter(description = "1..500, default 100") @RequestParam(required = false) Integer limit) {
        int m = municipalities.require(code).id();
        FindingFilter f = filter.toFilter();
        return queries.search(m, f, FindingSort.parse(sort), FindingSort.parseDescending(order), cursor, FilterParser.limit(limit, api));
    }

    /** Body of {@code POST /findings/search}: the list filters as JSON, with the polygon as a GeoJSON object. */
    record SearchRequest(List<Double> bbox, JsonNode polygon, NearRequest near, String seenAfter, String seenBefore,
            List<String> status, List<String> type, Integer minSeverity, Double minScore, Double minAreaM2, String sort, String order,
            String cursor, Integer limit) {}

    record NearRequest(double lat, double lon, Double radiusM) {}

    @PostMapping("/search")
    @Operation(summary = "Search findings with a JSON body (polygon as GeoJSON)")
    FindingPage search(@PathVariable String code, @RequestBody SearchRequest r) {
        int m = municipalities.require(code).id();
        FindingFilter f = FilterParser.parse(null, r.polygon() == null || r.polygon().isNull() ? null : GeoJsonPolygon.of(r.polygon()),
                null, null, r.seenAfter(), r.seenBefore(), r.status(), r.type(), r.minSeverity(), r.minScore(), r.minAreaM2());
        if (r.bbox() != null) {
            f = f.withBbox(Bbox.of(r.bbox()));
        }
        if (r.near() != null) {
            f = new FindingFilter(f.bbox(), f.polygon(), FilterParser.near(r.near().lat(), r.near().lon(), r.near().radiusM()),
                    f.seenAfter(), f.seenBefore(), f.statuses(), f.types(), f.minSeverity(), f.minScore(), f.minAreaM2());
        }
        return queries.search(m, f, FindingSort.parse(r.sort()), FindingSort.parseDescending(r.order()), r.cursor(),
                FilterParser.limit(r.limit(), api));
    }

    @GetMapping("/{id}")
    @Operation(summary = "A finding with its observations and events")
    FindingDetail get(@PathVariable String code, @PathVariable long id) {
        return queries.detail(municipalities.require(code).id(), id);
    }

    /** The new status and a note; who changes it is the authenticated caller (an {@code actor} field is ignored). */
    record StatusChange(@NotBlank String status, @Size(max = 4000) String note) {}

    @PatchMapping("/{id}")
    @Operation(summary = "Change a finding's status", description = "open → confirmed → scheduled → repaired; dismissed; "
            + "invalid transitions are 409. The event names the caller (token name or identity-provider user).")
    FindingDetail patch(@PathVariable String code, @PathVariable long id, @Valid @RequestBody StatusChange body,
            @AuthenticationPrincipal Caller caller) {
        int m = municipalities.require(code).id();
        store.changeStatus(code, id, FindingStatus.fromWire(body.status()), caller.name(), body.note());
        return queries.detail(m, id);
    }

    @GetMapping(value = "/{id}/evidence", produces = MediaType.IMAGE_JPEG_VALUE)
    @Operation(summary = "JPEG crop of the damage from the finding's best observation")
    ResponseEntity<byte[]> evidence(@PathVariable String code, @PathVariable long id) {
        int m = municipalities.require(code).id();
        queries.find(m, id).orElseThrow(() -> ApiException.findingNotFound(id));
        byte[] jpeg = queries.evidence(m, id).orElseThrow(() -> ApiException.notFound("evidence-not-found",
                "No evidence", "finding " + id + " has no evidence image"));
        return ResponseEntity.ok().contentType(MediaType.IMAGE_JPEG).cacheControl(CacheControl.noCache()).body(jpeg);
    }

    @GetMapping(value = "/{id}/observations/{observationId}/evidence", produces = MediaType.IMAGE_JPEG_VALUE)
    @Operation(summary = "JPEG crop of the damage from one observation of the finding")
    ResponseEntity<byte[]> observationEvidence(@PathVariable String code, @PathVariable long id,
            @PathVariable long observationId) {
        int m = municipalities.require(code).id();
        byte[] jpeg = queries.observationEvidence(m, id, observationId).orElseThrow(() -> ApiException.notFound(
                "evidence-not-found", "No evidence", "observation " + observationId + " of finding " + id + " has no evidence image"));
        return ResponseEntity.ok().contentType(MediaType.IMAGE_JPEG).cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(1))).body(jpeg);
    }

    @GetMapping("/export.geojson")
    @Operation(summary = "Export matching findings as a GeoJSON FeatureCollection (RFC 7946, lon/lat)")
    void exportGeoJson(@PathVariable String code, @ParameterObject FilterParams filter,
            HttpServletResponse response)
            throws IOException {
        int m = municipalities.require(code).id();
        FindingFilter f = filter.toFilter();
        response.setContentType(GEO_JSON.toString());
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"findings-" + code + ".geojson\"");
        try (JsonGenerator g = json.getFactory().createGenerator(response.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeArrayFieldStart("features");
            queries.forEach(m, f, api.exportMaxRows(), s -> {
                try {
                    FindingFeatures.write(g, s);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    @GetMapping("/export.csv")
    @Operation(summary = "Export matching findings as CSV (lat/lon in WGS84 degrees)")
    void exportCsv(@PathVariable String code, @ParameterObject FilterParams filter,
            HttpServletResponse response)
            throws IOException {
        int m = municipalities.require(code).id();
        FindingFilter f = filter.toFilter();
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"findings-" + code + ".csv\"");
        Writer w = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        w.write(FindingFeatures.csvHeader());
        queries.forEach(m, f, api.exportMaxRows(), s -> {
            try {
                w.write(FindingFeatures.csvRow(s));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        w.flush();
    }
}
