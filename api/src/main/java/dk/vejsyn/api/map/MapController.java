package dk.vejsyn.api.map;

import dk.vejsyn.api.municipality.Municipalities;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import dk.vejsyn.api.error.ApiException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the app's maps need besides findings: the base map's settings, and the driven tracks with
 * their dates, so a planner sees which roads were inspected when.
 */
@RestController
@Tag(name = "map", description = "Base map settings and driven tracks")
class MapController {
    /** Tracks one answer holds at most (newest first). */
    static final int MAX_DRIVES = 2000;

    private final MapProperties map;
    private final Municipalities municipalities;
    private final JdbcClient jdbc;

    MapController(MapProperties map, Municipalities municipalities, JdbcClient jdbc) {
        this.map = map;
        this.municipalities = municipalities;
        this.jdbc = jdbc;
    }

    @GetMapping("/api/v1/map-settings")
    @Operation(summary = "The base map's tile URL and attribution (vejsyn.map.*)")
    MapProperties settings() {
        return map;
    }

    @GetMapping(value = "/api/v1/municipalities/{code}/drives.geojson", produces = "application/geo+json")
    @Operation(summary = "Driven tracks as GeoJSON LineStrings", description = "Newest first; since: RFC 3339, default 90 days ago.")
    ResponseEntity<String> drives(@PathVariable String code, @RequestParam(required = false) String since) throws IOException {
        int m = municipalities.require(code).id();
        Instant from;
        try {
            from = since == null ? Instant.now().minusSeconds(90L * 86400) : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParameter("since must be an RFC 3339 instant, e.g. 2026-10-01T00:00:00Z");
        }
        // PostGIS writes the GeoJSON; the numbers go through no Java formatting.
        String body = jdbc.sql("""
                SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                    'type', 'Feature', 'id', d.id, 'geometry', ST_AsGeoJSON(d.track, 6)::json,
                    'properties', json_build_object('vehicle', d.vehicle, 'started_at', d.started_at,
                        'ended_at', d.ended_at, 'km', round((ST_Length(d.track::geography) / 1000)::numeric, 3)))
                    ORDER BY d.started_at DESC), '[]'::json))::text
                FROM (SELECT * FROM drive WHERE municipality_id = ? AND track IS NOT NULL
                      AND coalesce(started_at, created_at) >= ? ORDER BY coalesce(started_at, created_at) DESC LIMIT ?) d""")
                .params(m, java.sql.Timestamp.from(from), MAX_DRIVES).query(String.class).single();
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/geo+json")).body(body);
    }
}
