package dk.vejsyn.api.tiles;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingFilter;
import dk.vejsyn.api.finding.FindingStatus;
import dk.vejsyn.inference.detect.DamageType;
import java.util.EnumSet;
import dk.vejsyn.api.municipality.Municipalities;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mapbox Vector Tiles (Web Mercator, XYZ scheme) of one municipality's findings, made by PostGIS
 * ({@code ST_AsMVT}). One layer, {@code findings}, with attributes id, type, family ({@code pothole}
 * or {@code crack}: what a style draws a circle or a line symbol by), status, severity, score,
 * observations, last_seen, length_m and area_m2 (a crack's size is its length, a pothole's its
 * area). By default repaired and dismissed findings are left out; {@code type} narrows to damage
 * types as the findings list does ({@code crack}: every kind of crack).
 */
@RestController
@RequestMapping("/api/v1/municipalities/{code}/tiles")
@Tag(name = "tiles", description = "Mapbox Vector Tiles")
class TileController {

    static final MediaType MVT = MediaType.parseMediaType("application/vnd.mapbox-vector-tile");
    static final Set<FindingStatus> ACTIVE = Set.of(FindingStatus.OPEN, FindingStatus.CONFIRMED, FindingStatus.SCHEDULED,
            FindingStatus.POSSIBLY_REPAIRED);

    private final Municipalities municipalities;
    private final NamedParameterJdbcTemplate jdbc;

    TileController(Municipalities municipalities, NamedParameterJdbcTemplate jdbc) {
        this.municipalities = municipalities;
        this.jdbc = jdbc;
    }

    @GetMapping("/{z}/{x}/{y}.mvt")
    @Operation(summary = "Vector tile of findings", description = "status: comma-separated, default all but repaired and dismissed; "
            + "type: comma-separated damage types, crack = every kind of crack, default all")
    ResponseEntity<byte[]> tile(@PathVariable String code, @PathVariable int z, @PathVariable int x, @PathVariable int y,
            @RequestParam(required = false) List<String> status, @RequestParam(required = false) List<String> type) {
        int m = municipalities.require(code).id();
        if (z < 0 || z > 24) {
            throw ApiException.badRequest("invalid-tile", "Invalid tile", "zoom must be in [0, 24], got " + z);
        }
        long n = 1L << z;
        if (x < 0 || y < 0 || x >= n || y >= n) {
            throw ApiException.badRequest("invalid-tile", "Invalid tile",
                    "x and y must be in [0, " + (n - 1) + "] at zoom " + z + ", got " + x + "/" + y);
        }
        Set<FindingStatus> statuses = status == null || status.isEmpty() ? ACTIVE
                : status.stream().flatMap(s -> java.util.Arrays.stream(s.split(","))).map(String::trim)
                        .filter(s -> !s.isEmpty()).map(FindingStatus::fromWire).collect(Collectors.toSet());
        Set<DamageType> types = FindingFilter.parseTypes(type);
        Set<DamageType> wanted = types.isEmpty() ? EnumSet.allOf(DamageType.class) : types;
        byte[] tile = jdbc.queryForObject("""
                WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env),
                     b4326 AS (SELECT env, ST_Transform(env, 4326) AS env4326 FROM b),
                     t AS (
                        SELECT ST_AsMVTGeom(ST_Transform(f.geom, 3857), b4326.env, 4096, 64, true) AS geom,
                               f.id, f.damage_type AS type,
                               CASE WHEN f.damage_type = 'pothole' THEN 'pothole' ELSE 'crack' END AS family,
                               f.status, f.severity, round(f.max_score::numeric, 3)::float8 AS score,
                               f.observation_count AS observations, to_char(f.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_seen,
                               round(f.length_m::numeric, 2)::float8 AS length_m, round(f.area_m2::numeric, 3)::float8 AS area_m2
                        FROM finding f, b4326
                        WHERE f.municipality_id = :m AND f.geom && b4326.env4326 AND f.status IN (:statuses)
                          AND f.damage_type IN (:types))
                SELECT ST_AsMVT(t, 'findings', 4096, 'geom', 'id') FROM t""",
                new MapSqlParameterSource("z", z).addValue("x", x).addValue("y", y).addValue("m", m)
                        .addValue("statuses", statuses.stream().map(FindingStatus::wireName).toList())
                        .addValue("types", wanted.stream().map(DamageType::wireName).toList()),
                byte[].class);
        return ResponseEntity.ok().contentType(MVT).cacheControl(CacheControl.noCache()).body(tile == null ? new byte[0] : tile);
    }
}
