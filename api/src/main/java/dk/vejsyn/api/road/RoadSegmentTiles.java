package dk.vejsyn.api.road;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.municipality.Municipalities;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mapbox Vector Tiles of the road network: layer {@code road_segments} (LineStrings, Web Mercator,
 * XYZ) with attributes id, road_name, condition (absent: not inspected), condition_index,
 * potholes, crack_length_m, last_driven_at. Ratings are computed in Java ({@link RoadConditions})
 * for the tile's segments and handed to PostGIS, which cuts and encodes the tile.
 */
@RestController
@Tag(name = "tiles", description = "Mapbox Vector Tiles")
class RoadSegmentTiles {
    static final MediaType MVT = MediaType.parseMediaType("application/vnd.mapbox-vector-tile");

    private final Municipalities municipalities;
    private final RoadConditions conditions;
    private final JdbcClient jdbc;

    RoadSegmentTiles(Municipalities municipalities, RoadConditions conditions, JdbcClient jdbc) {
        this.municipalities = municipalities;
        this.conditions = conditions;
        this.jdbc = jdbc;
    }

    @GetMapping("/api/v1/municipalities/{code}/tiles/road-segments/{z}/{x}/{y}.mvt")
    @Operation(summary = "Vector tile of road segments with their condition (layer road_segments)")
    ResponseEntity<byte[]> tile(@PathVariable String code, @PathVariable int z, @PathVariable int x, @PathVariable int y) {
        int m = municipalities.require(code).id();
        if (z < 0 || z > 24) {
            throw ApiException.badRequest("invalid-tile", "Invalid tile", "zoom must be in [0, 24], got " + z);
        }
        long n = 1L << z;
        if (x < 0 || y < 0 || x >= n || y >= n) {
            throw ApiException.badRequest("invalid-tile", "Invalid tile",
                    "x and y must be in [0, " + (n - 1) + "] at zoom " + z + ", got " + x + "/" + y);
        }
        double[] box = jdbc.sql("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                        + "(SELECT ST_Transform(ST_TileEnvelope(?, ?, ?), 4326) AS e) t")
                .params(z, x, y).query((rs, i) -> new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)})
                .single();
        dk.vejsyn.api.geo.Bbox bbox = new dk.vejsyn.api.geo.Bbox(Math.max(-180, box[0]), Math.max(-90, box[1]),
                Math.min(180, box[2]), Math.min(90, box[3]));
        List<SegmentState> rows = conditions.current(m, bbox, null, false);
        if (rows.isEmpty()) {
            return ResponseEntity.ok().contentType(MVT).cacheControl(CacheControl.noCache()).body(new byte[0]);
        }
        String ids = RoadCoverage.idArray(rows.stream().map(SegmentState::id).toList());
        String conds = rows.stream().map(s -> s.condition() == null ? "NULL" : s.condition().toString())
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
        String index = rows.stream().map(s -> s.conditionIndex() == null ? "NULL" : s.conditionIndex().toString())
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
        String potholes = rows.stream().map(s -> String.valueOf(s.potholes())).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        String cracks = rows.stream().map(s -> String.valueOf(s.crackLengthM())).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        String driven = rows.stream().map(s -> s.lastDrivenAt() == null ? "NULL" : s.lastDrivenAt().toString())
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
        byte[] tile = jdbc.sql("""
                WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env),
                     r AS (SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:conds AS int[]), CAST(:idx AS float8[]),
                                CAST(:potholes AS int[]), CAST(:cracks AS float8[]), CAST(:driven AS text[]))
                           AS r(id, condition, condition_index, potholes, crack_length_m, last_driven_at)),
                     t AS (
                        SELECT ST_AsMVTGeom(ST_Transform(s.geom, 3857), b.env, 4096, 64, true) AS geom, s.id, s.road_name,
                               r.condition, r.condition_index, r.potholes, r.crack_length_m, r.last_driven_at
                        FROM road_segment s JOIN r ON r.id = s.id, b)
                SELECT ST_AsMVT(t, 'road_segments', 4096, 'geom', 'id') FROM t WHERE geom IS NOT NULL""")
                .param("z", z).param("x", x).param("y", y).param("ids", ids).param("conds", conds).param("idx", index)
                .param("potholes", potholes).param("cracks", cracks).param("driven", driven)
                .query(byte[].class).single();
        return ResponseEntity.ok().contentType(MVT).cacheControl(CacheControl.noCache()).body(tile == null ? new byte[0] : tile);
    }
}
