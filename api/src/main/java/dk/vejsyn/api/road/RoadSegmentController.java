package dk.vejsyn.api.road;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The road network with condition ratings, for planners and GIS: segments as GeoJSON, a CSV worst
 * first (for a budget meeting), coverage statistics and one segment's dated history. Read access
 * for the municipality's members (viewer and up); the network is imported on the command line.
 */
@RestController
@Tag(name = "road-segments", description = "Road network, coverage and condition ratings")
class RoadSegmentController {
    static final String GEO_JSON = "application/geo+json";

    private final Municipalities municipalities;
    private final RoadConditions conditions;
    private final RoadHistory history;
    private final RoadProperties props;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    RoadSegmentController(Municipalities municipalities, RoadConditions conditions, RoadHistory history,
            RoadProperties props, JdbcClient jdbc, ObjectMapper json) {
        this.municipalities = municipalities;
        this.conditions = conditions;
        this.history = history;
        this.props = props;
        this.jdbc = jdbc;
        this.json = json;
    }

    @GetMapping(value = "/api/v1/municipalities/{code}/road-segments", produces = {GEO_JSON, "application/json"})
    @Operation(summary = "Road segments with condition (1-5, 5 good; null: not driven within the rating window)",
            description = "bbox=minLon,minLat,maxLon,maxLat; min_condition, max_condition (1-5; unrated segments never match);"
                    + " not_driven_since (RFC 3339 or a date: segments never driven or last driven before it); inspected=true|false;"
                    + " sort=condition (worst first) | -condition | last_driven_at | -last_driven_at | id; limit, offset.")
    void segments(@PathVariable String code, @RequestParam(required = false) String bbox,
            @RequestParam(name = "min_condition", required = false) Integer minCondition,
            @RequestParam(name = "max_condition", required = false) Integer maxCondition,
            @RequestParam(name = "not_driven_since", required = false) String notDrivenSince,
            @RequestParam(required = false) Boolean inspected, @RequestParam(required = false) String sort,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset,
            HttpServletResponse resp) throws IOException {
        Municipality m = municipalities.require(code);
        RoadSegmentQuery q = RoadSegmentQuery.parse(bbox, minCondition, maxCondition, notDrivenSince, inspected, sort,
                RoadSegmentQuery.Sort.ID);
        int lim = limit == null ? props.maxFeatures() : limit;
        int off = offset == null ? 0 : offset;
        if (lim < 1 || lim > props.maxFeatures()) {
            throw ApiException.invalidParameter("limit must be 1-" + props.maxFeatures() + " (vejsyn.roads.max-features), got " + lim);
        }
        if (off < 0) {
            throw ApiException.invalidParameter("offset must be at least 0");
        }
        List<SegmentState> matched = q.apply(conditions.current(m.id(), q.bbox(), null, true));
        List<SegmentState> page = matched.subList(Math.min(off, matched.size()), Math.min(matched.size(), off + lim));
        resp.setContentType(GEO_JSON);
        resp.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = json.getFactory().createGenerator(resp.getOutputStream(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeArrayFieldStart("features");
            for (SegmentState s : page) {
                RoadSegmentFeatures.write(g, s);
            }
            g.writeEndArray();
            g.writeNumberField("numberMatched", matched.size());
            g.writeNumberField("numberReturned", page.size());
            g.writeNumberField("rating_window_days", props.ratingWindow().toDays());
            g.writeStringField("timeStamp", Instant.now().toString());
            g.writeEndObject();
        }
    }

    @GetMapping(value = "/api/v1/municipalities/{code}/road-segments.csv", produces = "text/csv")
    @Operation(summary = "Road segments as CSV, worst first (for a budget meeting)",
            description = "The filters of road-segments; sort defaults to condition (worst first, not inspected last).")
    void csv(@PathVariable String code, @RequestParam(required = false) String bbox,
            @RequestParam(name = "min_condition", required = false) Integer minCondition,
            @RequestParam(name = "max_condition", required = false) Integer maxCondition,
            @RequestParam(name = "not_driven_since", required = false) String notDrivenSince,
            @RequestParam(required = false) Boolean inspected, @RequestParam(required = false) String sort,
            HttpServletResponse resp) throws IOException {
        Municipality m = municipalities.require(code);
        RoadSegmentQuery q = RoadSegmentQuery.parse(bbox, minCondition, maxCondition, notDrivenSince, inspected, sort,
                RoadSegmentQuery.Sort.CONDITION);
        List<SegmentState> rows = q.apply(conditions.current(m.id(), q.bbox(), null, false));
        resp.setContentType("text/csv");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Content-Disposition", "attachment; filename=\"road-segments-" + m.code() + ".csv\"");
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(resp.getOutputStream(), StandardCharsets.UTF_8));
        w.print("rank,segment_id,road_name,condition,condition_index,length_m,potholes,cracks,crack_length_m,last_driven_at,lon,lat\r\n");
        int rank = 0;
        for (SegmentState s : rows) {
            w.print(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%.1f,%d,%d,%.2f,%s,%.6f,%.6f\r\n", ++rank, s.id(),
                    csvText(s.roadName()), s.condition() == null ? "" : s.condition(),
                    s.conditionIndex() == null ? "" : String.format(Locale.ROOT, "%.1f", s.conditionIndex()), s.lengthM(),
                    s.potholes(), s.cracks(), s.crackLengthM(), s.lastDrivenAt() == null ? "" : s.lastDrivenAt().toString(),
                    s.midLon(), s.midLat()));
        }
        w.flush();
    }

    /** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
    static String csvText(String s) {
        if (s == null) {
            return "";
        }
        String t = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return t.matches(".*[\",\r\n].*") ? "\"" + t.replace("\"", "\"\"") + "\"" : t;
    }

    @GetMapping(value = "/api/v1/municipalities/{code}/road-segments/coverage", produces = "application/json")
    @Operation(summary = "Coverage: km of network driven within a window / km of network, and km by condition",
            description = "since: RFC 3339 or a date; default: the rating window (vejsyn.roads.rating-window) back from now.")
    Map<String, Object> coverage(@PathVariable String code, @RequestParam(required = false) String since) {
        Municipality m = municipalities.require(code);
        Instant from = since == null || since.isBlank() ? conditions.windowStart() : RoadSegmentQuery.instant("since", since);
        List<SegmentState> all = conditions.current(m.id(), null, null, false);
        double networkKm = all.stream().mapToDouble(SegmentState::lengthM).sum() / 1000;
        List<SegmentState> driven = all.stream().filter(s -> s.lastDrivenAt() != null && !s.lastDrivenAt().isBefore(from)).toList();
        double drivenKm = driven.stream().mapToDouble(SegmentState::lengthM).sum() / 1000;
        Map<String, Object> byCondition = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) {
            final int rating = c;
            byCondition.put(String.valueOf(c), km(all.stream().filter(s -> Integer.valueOf(rating).equals(s.condition()))
                    .mapToDouble(SegmentState::lengthM).sum() / 1000));
        }
        byCondition.put("not_inspected", km(all.stream().filter(s -> !s.inspected()).mapToDouble(SegmentState::lengthM).sum() / 1000));
        record Drives(long count, double km) {}
        Drives drives = jdbc.sql("""
                SELECT count(*), coalesce(sum(ST_Length(track::geography)), 0) / 1000 FROM drive
                WHERE municipality_id = ? AND track IS NOT NULL AND coalesce(ended_at, started_at, created_at) >= ?""")
                .params(m.id(), Timestamp.from(from)).query((rs, n) -> new Drives(rs.getLong(1), rs.getDouble(2))).single();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("municipality", m.code());
        out.put("since", from.toString());
        out.put("network_km", km(networkKm));
        out.put("segments", all.size());
        out.put("driven_km", km(drivenKm));
        out.put("driven_share", networkKm == 0 ? 0.0 : Math.round(drivenKm / networkKm * 1000) / 1000.0);
        out.put("segments_driven", driven.size());
        out.put("drives", drives.count());
        out.put("drive_km", km(drives.km()));
        out.put("rating_window_days", props.ratingWindow().toDays());
        out.put("km_by_condition", byCondition);
        return out;
    }

    private static double km(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    @GetMapping(value = "/api/v1/municipalities/{code}/road-segments/{id}", produces = {GEO_JSON, "application/json"})
    @Operation(summary = "One segment with its dated condition history (oldest first)")
    void segment(@PathVariable String code, @PathVariable long id, HttpServletResponse resp) throws IOException {
        Municipality m = municipalities.require(code);
        SegmentState s = conditions.current(m.id(), null, List.of(id), true).stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("road-segment-not-found", "Road segment not found",
                        "no current road segment " + id + " in municipality " + code));
        resp.setContentType(GEO_JSON);
        resp.setCharacterEncoding("UTF-8");
        try (JsonGenerator g = json.getFactory().createGenerator(resp.getOutputStream(), JsonEncoding.UTF8)) {
            // The feature with its history beside the properties (a foreign member, which GeoJSON readers ignore).
            RoadSegmentFeatures.writeOpen(g, s);
            g.writeArrayFieldStart("history");
            for (RoadHistory.Entry e : history.of(id)) {
                g.writeStartObject();
                g.writeStringField("date", e.date().toString());
                if (e.condition() == null) {
                    g.writeNullField("condition");
                    g.writeNullField("condition_index");
                } else {
                    g.writeNumberField("condition", e.condition());
                    g.writeNumberField("condition_index", e.conditionIndex());
                }
                g.writeNumberField("potholes", e.potholes());
                g.writeNumberField("crack_length_m", e.crackLengthM());
                g.writeStringField("last_driven_at", e.lastDrivenAt() == null ? null : e.lastDrivenAt().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
