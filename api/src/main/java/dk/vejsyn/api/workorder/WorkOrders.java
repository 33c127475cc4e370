package dk.vejsyn.api.workorder;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingQueries;
import dk.vejsyn.api.finding.FindingStatus;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.finding.FindingViews.FindingSummary;
import dk.vejsyn.api.municipality.Municipalities;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Repair runs: confirmed findings scheduled for a crew on a date, as one work order. Creating one
 * moves every finding to {@code scheduled} through the findings store's workflow (each change an
 * event naming the planner and the order) in one transaction: either the whole run is planned or
 * nothing is.
 */
@Service
public class WorkOrders {
    /** Findings one order holds at most: a crew's day, printed ten to a page. */
    public static final int MAX_FINDINGS = 200;

    private final JdbcClient jdbc;
    private final Municipalities municipalities;
    private final FindingStore store;
    private final FindingQueries queries;

    public WorkOrders(JdbcClient jdbc, Municipalities municipalities, FindingStore store, FindingQueries queries) {
        this.jdbc = jdbc;
        this.municipalities = municipalities;
        this.store = store;
        this.queries = queries;
    }

    /** A work order as listed. */
    public record Summary(long id, LocalDate plannedFor, String crew, String note, String createdBy, Instant createdAt,
            int findings) {}

    /** A work order with its findings in print order. */
    public record Order(long id, LocalDate plannedFor, String crew, String note, String createdBy, Instant createdAt,
            List<FindingSummary> findings) {}

    /**
     * Plans a repair run; refused (409 {@code invalid-transition}) when a finding is not confirmed,
     * 404 when one is not the municipality's, 400 for an empty or oversized set.
     */
    @Transactional
    public long create(String code, List<Long> findingIds, LocalDate plannedFor, String crew, String note, String actor) {
        int m = municipalities.require(code).id();
        List<Long> ids = new ArrayList<>(new LinkedHashSet<>(findingIds == null ? List.of() : findingIds));
        if (ids.isEmpty() || ids.size() > MAX_FINDINGS) {
            throw ApiException.invalidParameter("findingIds: 1 to " + MAX_FINDINGS + " findings");
        }
        long id = jdbc.sql("""
                INSERT INTO work_order (municipality_id, planned_for, crew, note, created_by)
                VALUES (?, ?, ?, ?, ?) RETURNING id""")
                .params(m, plannedFor, crew, note, actor).query(Long.class).single();
        int position = 1;
        for (long f : ids) {
            store.changeStatus(code, f, FindingStatus.SCHEDULED, actor,
                    "arbejdsordre " + id + ": " + plannedFor + ", " + crew);
            jdbc.sql("INSERT INTO work_order_finding (work_order_id, finding_id, position) VALUES (?, ?, ?)")
                    .params(id, f, position++).update();
        }
        return id;
    }

    /** The municipality's work orders, newest planned date first. */
    public List<Summary> list(String code) {
        int m = municipalities.require(code).id();
        return jdbc.sql("""
                SELECT w.id, w.planned_for, w.crew, w.note, w.created_by, w.created_at,
                       (SELECT count(*)::int FROM work_order_finding x WHERE x.work_order_id = w.id)
                FROM work_order w WHERE w.municipality_id = ? ORDER BY w.planned_for DESC, w.id DESC LIMIT 500""")
                .param(m)
                .query((rs, n) -> new Summary(rs.getLong(1), rs.getDate(2).toLocalDate(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getInt(7)))
                .list();
    }

    /** One work order of the municipality; 404 ({@code work-order-not-found}) otherwise. */
    public Order get(String code, long id) {
        int m = municipalities.require(code).id();
        Summary s = jdbc.sql("""
                SELECT id, planned_for, crew, note, created_by, created_at FROM work_order
                WHERE id = ? AND municipality_id = ?""").params(id, m)
                .query((rs, n) -> new Summary(rs.getLong(1), rs.getDate(2).toLocalDate(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getTimestamp(6).toInstant(), 0))
                .optional().orElseThrow(() -> ApiException.notFound("work-order-not-found", "Unknown work order",
                        "no work order " + id + " in this municipality"));
        List<FindingSummary> findings = queries.findAll(m, jdbc.sql(
                "SELECT finding_id FROM work_order_finding WHERE work_order_id = ? ORDER BY position")
                .param(id).query(Long.class).list());
        return new Order(s.id(), s.plannedFor(), s.crew(), s.note(), s.createdBy(), s.createdAt(), findings);
    }
}
