package dk.vejsyn.api.overview;

import dk.vejsyn.api.municipality.Municipalities;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/municipalities/{code}/overview}: what a planner's morning starts with —
 * findings by status and (active ones) by severity, new against repaired findings per week for
 * the last 12 weeks, and how much was driven (inspected) in the last 30 days and in all.
 */
@RestController
@Tag(name = "findings")
class OverviewController {
    static final int WEEKS = 12;

    private final Municipalities municipalities;
    private final JdbcClient jdbc;

    OverviewController(Municipalities municipalities, JdbcClient jdbc) {
        this.municipalities = municipalities;
        this.jdbc = jdbc;
    }

    /** One ISO week (its Monday): findings first seen in it, findings marked repaired in it. */
    record Week(LocalDate week, int created, int repaired) {}

    /** Drives and their track length, in the last 30 days and in all. */
    record Driven(int drivesLast30Days, double kmLast30Days, int drives, double km) {}

    record Overview(Map<String, Integer> byStatus, Map<Integer, Integer> activeBySeverity, List<Week> weekly, Driven driven) {}

    @GetMapping("/api/v1/municipalities/{code}/overview")
    @Operation(summary = "Counts by status and severity, new vs repaired per week (12 weeks), km driven")
    Overview overview(@PathVariable String code) {
        int m = municipalities.require(code).id();
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (String s : List.of("open", "confirmed", "scheduled", "possibly_repaired", "repaired", "dismissed")) {
            byStatus.put(s, 0);
        }
        jdbc.sql("SELECT status, count(*)::int FROM finding WHERE municipality_id = ? GROUP BY status").param(m)
                .query((rs, n) -> byStatus.put(rs.getString(1), rs.getInt(2))).list();
        Map<Integer, Integer> bySeverity = new LinkedHashMap<>();
        for (int s = 1; s <= 5; s++) {
            bySeverity.put(s, 0);
        }
        jdbc.sql("""
                SELECT severity, count(*)::int FROM finding
                WHERE municipality_id = ? AND status IN ('open', 'confirmed', 'scheduled', 'possibly_repaired')
                GROUP BY severity""").param(m)
                .query((rs, n) -> bySeverity.put(rs.getInt(1), rs.getInt(2))).list();
        List<Week> weekly = jdbc.sql("""
                WITH weeks AS (
                    SELECT generate_series(date_trunc('week', now()) - make_interval(weeks => :n - 1),
                                           date_trunc('week', now()), interval '1 week') AS week)
                SELECT w.week::date,
                       (SELECT count(*)::int FROM finding f WHERE f.municipality_id = :m
                          AND f.first_seen_at >= w.week AND f.first_seen_at < w.week + interval '1 week'),
                       (SELECT count(*)::int FROM finding_event e WHERE e.municipality_id = :m
                          AND e.kind = 'status_changed' AND e.to_status = 'repaired'
                          AND e.at >= w.week AND e.at < w.week + interval '1 week')
                FROM weeks w ORDER BY w.week""")
                .param("n", WEEKS).param("m", m)
                .query((rs, n) -> new Week(rs.getDate(1).toLocalDate(), rs.getInt(2), rs.getInt(3))).list();
        Driven driven = jdbc.sql("""
                SELECT count(*) FILTER (WHERE coalesce(started_at, created_at) >= now() - interval '30 days')::int,
                       coalesce(sum(ST_Length(track::geography)) FILTER (
                           WHERE coalesce(started_at, created_at) >= now() - interval '30 days'), 0) / 1000,
                       count(*)::int,
                       coalesce(sum(ST_Length(track::geography)), 0) / 1000
                FROM drive WHERE municipality_id = ?""").param(m)
                .query((rs, n) -> new Driven(rs.getInt(1), rs.getDouble(2), rs.getInt(3), rs.getDouble(4))).single();
        return new Overview(byStatus, bySeverity, weekly, driven);
    }
}
