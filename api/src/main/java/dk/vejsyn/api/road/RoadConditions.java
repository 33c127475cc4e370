package dk.vejsyn.api.road;

import dk.vejsyn.api.geo.Bbox;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Segments with their findings and rating, computed when asked: a finding that is dismissed,
 * repaired or new changes the rating on the next read, with nothing to keep in step. Each open
 * finding (open, confirmed, scheduled) belongs to the nearest current segment within
 * {@code vejsyn.roads.finding-distance-m}, by geodesic distance (ties: the lower id), so at a
 * junction a finding counts once and on parallel roads it counts for the nearer one.
 * Possibly-repaired findings (two passes did not see them) do not count.
 */
@Service
public class RoadConditions {
    private final JdbcClient jdbc;
    private final RoadProperties props;
    private final ConditionRule rule;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public RoadConditions(JdbcClient jdbc, RoadProperties props) {
        this(jdbc, props, Clock.systemUTC());
    }

    RoadConditions(JdbcClient jdbc, RoadProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.props = props;
        this.rule = new ConditionRule(props);
        this.clock = clock;
    }

    /** Degrees that surely span {@code metres} in both directions up to latitude 64° (the bounding-box prefilter). */
    static double degreesFor(double metres) {
        return metres / 45_000.0;
    }

    /**
     * The municipality's current segments, by id.
     *
     * @param bbox only segments whose bounding box meets it; null: all
     * @param ids only these segments; null: all
     * @param geometry whether to include the GeoJSON geometry
     */
    public List<SegmentState> current(int municipalityId, Bbox bbox, Collection<Long> ids, boolean geometry) {
        if (ids != null && ids.isEmpty()) {
            return List.of();
        }
        String w = ConditionRule.severityWeightsSql();
        String sql = """
                WITH seg AS (
                    SELECT s.id, s.road_name, s.length_m, s.geom FROM road_segment s
                    WHERE s.municipality_id = :m AND s.retired_at IS NULL
                      AND (CAST(:x1 AS float8) IS NULL OR s.geom && ST_MakeEnvelope(:x1, :y1, :x2, :y2, 4326))
                      AND (CAST(:ids AS bigint[]) IS NULL OR s.id = ANY (CAST(:ids AS bigint[])))),
                area AS (SELECT ST_Expand(ST_SetSRID(ST_Extent(geom)::geometry, 4326), :deg) AS env FROM seg),
                matched AS (
                    SELECT near.id AS segment_id, f.damage_type, f.severity, f.length_m
                    FROM finding f, area
                    CROSS JOIN LATERAL (
                        SELECT s.id FROM road_segment s
                        WHERE s.municipality_id = :m AND s.retired_at IS NULL AND s.geom && ST_Expand(f.geom, :deg)
                          AND ST_DWithin(s.geom::geography, f.geom::geography, :d)
                        ORDER BY ST_Distance(s.geom::geography, f.geom::geography), s.id LIMIT 1) near
                    WHERE f.municipality_id = :m AND f.status IN ('open', 'confirmed', 'scheduled') AND f.geom && area.env),
                agg AS (
                    SELECT segment_id,
                        count(*) FILTER (WHERE damage_type = 'pothole') AS potholes,
                        coalesce(sum((%1$s)[severity]) FILTER (WHERE damage_type = 'pothole'), 0) AS pothole_weight,
                        count(*) FILTER (WHERE damage_type LIKE '%%crack') AS cracks,
                        coalesce(sum(length_m) FILTER (WHERE damage_type LIKE '%%crack'), 0) AS crack_length,
                        coalesce(sum(length_m * CASE WHEN damage_type = 'alligator_crack' THEN %2$s ELSE 1 END)
                            FILTER (WHERE damage_type LIKE '%%crack'), 0) AS crack_weight
                    FROM matched GROUP BY segment_id),
                cov AS (
                    SELECT c.segment_id, max(c.driven_at) AS last_driven
                    FROM road_segment_coverage c JOIN seg ON seg.id = c.segment_id GROUP BY c.segment_id)
                SELECT seg.id, seg.road_name, seg.length_m, coalesce(agg.potholes, 0) AS potholes,
                    coalesce(agg.pothole_weight, 0) AS pothole_weight, coalesce(agg.cracks, 0) AS cracks,
                    coalesce(agg.crack_length, 0) AS crack_length, coalesce(agg.crack_weight, 0) AS crack_weight,
                    cov.last_driven, ST_X(ST_LineInterpolatePoint(seg.geom, 0.5)) AS mid_lon,
                    ST_Y(ST_LineInterpolatePoint(seg.geom, 0.5)) AS mid_lat, %3$s AS geojson
                FROM seg LEFT JOIN agg ON agg.segment_id = seg.id LEFT JOIN cov ON cov.segment_id = seg.id
                ORDER BY seg.id""".formatted(w, ConditionRule.ALLIGATOR_FACTOR,
                geometry ? "ST_AsGeoJSON(seg.geom, 7)" : "CAST(NULL AS text)");
        Instant windowStart = clock.instant().minus(props.ratingWindow());
        return jdbc.sql(sql)
                .param("m", municipalityId)
                .param("x1", bbox == null ? null : bbox.minLon()).param("y1", bbox == null ? null : bbox.minLat())
                .param("x2", bbox == null ? null : bbox.maxLon()).param("y2", bbox == null ? null : bbox.maxLat())
                .param("ids", ids == null ? null : ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}")))
                .param("deg", degreesFor(props.findingDistanceM()))
                .param("d", props.findingDistanceM())
                .query((rs, n) -> {
                    Timestamp t = rs.getTimestamp("last_driven");
                    Instant last = t == null ? null : t.toInstant();
                    double length = rs.getDouble("length_m");
                    Integer condition = null;
                    Double index = null;
                    if (last != null && !last.isBefore(windowStart)) {
                        ConditionRule.Rating r = rule.rate(length, rs.getDouble("pothole_weight"), rs.getDouble("crack_weight"));
                        condition = r.condition();
                        index = r.index();
                    }
                    return new SegmentState(rs.getLong("id"), rs.getString("road_name"), length, rs.getInt("potholes"),
                            rs.getInt("cracks"), Math.round(rs.getDouble("crack_length") * 100) / 100.0, last, condition,
                            index, rs.getDouble("mid_lon"), rs.getDouble("mid_lat"), rs.getString("geojson"));
                })
                .list();
    }

    /** The start of the rating window as of now. */
    Instant windowStart() {
        return clock.instant().minus(props.ratingWindow());
    }
}
