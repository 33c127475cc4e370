package dk.vejsyn.api.audit;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The append-only trail of who did what, when, from where ({@code audit_event}; the table refuses
 * updates and deletes). Written for every write request and every evidence image viewed
 * ({@link AuditInterceptor}), and by the command line for token changes.
 */
@Component
public class AuditLog {
    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One event as read back. */
    public record Event(long id, Instant at, String actor, String actorRole, String municipality, String action,
            String target, Integer status, String clientAddress) {}

    /**
     * Records one event.
     *
     * @param municipality the municipality it concerns (code), null for none
     * @param action what was done, e.g. {@code PATCH /api/v1/municipalities/{code}/findings/{id}}
     * @param target the concrete thing, e.g. the request path
     * @param status the HTTP status answered, null outside HTTP
     */
    public void record(String actor, String actorRole, String municipality, String action, String target, Integer status,
            String clientAddress) {
        jdbc.sql("""
                INSERT INTO audit_event (actor, actor_role, municipality, action, target, status, client_address)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(actor, actorRole, municipality, action, target, status, clientAddress).update();
    }

    /** A municipality's events, newest first, older than event {@code before} when given. */
    public List<Event> read(String municipality, Long before, int limit) {
        return jdbc.sql("""
                SELECT id, at, actor, actor_role, municipality, action, target, status, client_address
                FROM audit_event WHERE municipality = :m AND (CAST(:before AS bigint) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .param("m", municipality).param("before", before).param("limit", limit)
                .query((rs, n) -> new Event(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                        (Integer) rs.getObject(8, Integer.class), rs.getString(9)))
                .list();
    }

}
