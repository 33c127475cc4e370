package dk.vejsyn.api.road;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The dated history of segment ratings ({@code road_segment_condition}): one row per segment and
 * day (UTC) on which its rating, pothole count, crack length or last drive changed. Written when a
 * drive ends, after an import, and every {@code vejsyn.roads.history-interval} for all segments
 * (so dismissals and repairs are in the history within that interval; the current rating itself
 * is always computed afresh).
 */
@Service
public class RoadHistory {
    private final JdbcClient jdbc;
    private final RoadConditions conditions;

    public RoadHistory(JdbcClient jdbc, RoadConditions conditions) {
        this.jdbc = jdbc;
        this.conditions = conditions;
    }

    /** One dated rating. */
    public record Entry(LocalDate date, Integer condition, Double conditionIndex, int potholes, double crackLengthM,
            java.time.Instant lastDrivenAt) {}

    /**
     * Adds today's row for every segment (of {@code ids}; null: all the municipality's) whose state
     * differs from its latest row; returns how many were written.
     */
    public int record(int municipalityId, Collection<Long> ids) {
        if (ids != null && ids.isEmpty()) {
            return 0;
        }
        List<SegmentState> now = conditions.current(municipalityId, null, ids, false);
        if (now.isEmpty()) {
            return 0;
        }
        Map<Long, Entry> latest = new HashMap<>();
        jdbc.sql("""
                SELECT DISTINCT ON (c.segment_id) c.segment_id, c.rated_on, c.condition, c.condition_index, c.potholes,
                    c.crack_length_m, c.last_driven_at
                FROM road_segment_condition c JOIN road_segment s ON s.id = c.segment_id
                WHERE s.municipality_id = :m AND (CAST(:ids AS bigint[]) IS NULL OR c.segment_id = ANY (CAST(:ids AS bigint[])))
                ORDER BY c.segment_id, c.rated_on DESC""")
                .param("m", municipalityId).param("ids", RoadCoverage.idArray(ids))
                .query(rs -> {
                    latest.put(rs.getLong(1), entry(rs));
                });
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        int written = 0;
        for (SegmentState s : now) {
            Entry last = latest.get(s.id());
            if (last != null && Objects.equals(last.condition(), s.condition()) && last.potholes() == s.potholes()
                    && Math.abs(last.crackLengthM() - s.crackLengthM()) < 0.01
                    && Objects.equals(last.lastDrivenAt(), s.lastDrivenAt())) {
                continue;
            }
            jdbc.sql("""
                    INSERT INTO road_segment_condition (segment_id, rated_on, condition, condition_index, potholes,
                        crack_length_m, last_driven_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (segment_id, rated_on) DO UPDATE SET condition = EXCLUDED.condition,
                        condition_index = EXCLUDED.condition_index, potholes = EXCLUDED.potholes,
                        crack_length_m = EXCLUDED.crack_length_m, last_driven_at = EXCLUDED.last_driven_at, recorded_at = now()""")
                    .params(s.id(), today, s.condition(), s.conditionIndex(), s.potholes(), s.crackLengthM(),
                            s.lastDrivenAt() == null ? null : Timestamp.from(s.lastDrivenAt()))
                    .update();
            written++;
        }
        return written;
    }

    /** Every municipality that has a network; returns rows written. */
    public int recordAll() {
        int n = 0;
        for (int m : jdbc.sql("SELECT DISTINCT municipality_id FROM road_segment WHERE retired_at IS NULL").query(Integer.class).list()) {
            n += record(m, null);
        }
        return n;
    }

    /** A segment's history, oldest first. */
    public List<Entry> of(long segmentId) {
        return jdbc.sql("""
                SELECT segment_id, rated_on, condition, condition_index, potholes, crack_length_m, last_driven_at
                FROM road_segment_condition WHERE segment_id = ? ORDER BY rated_on""")
                .param(segmentId).query((rs, n) -> entry(rs)).list();
    }

    private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        Timestamp t = rs.getTimestamp("last_driven_at");
        int condition = rs.getInt("condition");
        Integer c = rs.wasNull() ? null : condition;
        double index = rs.getDouble("condition_index");
        Double i = rs.wasNull() ? null : Math.round(index * 10) / 10.0;
        return new Entry(rs.getDate("rated_on").toLocalDate(), c, i, rs.getInt("potholes"), rs.getDouble("crack_length_m"),
                t == null ? null : t.toInstant());
    }
}
