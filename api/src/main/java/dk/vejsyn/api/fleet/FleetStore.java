package dk.vejsyn.api.fleet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * The vehicles' heartbeats in PostGIS: {@code vehicle_status} (the latest report per vehicle) and
 * {@code vehicle_heartbeat} (the history, purged after {@code vejsyn.fleet.history-retention}).
 */
public class FleetStore {

    /** A vehicle as the fleet lists it; {@code sentAt}/{@code lastSeen} null for a vehicle with a token that never reported. */
    public record VehicleStatus(String municipality, String vehicle, Instant sentAt, Instant lastSeen, Double lat,
            Double lon, String agentVersion, String mode, Long outboxItems, Long outboxBytes, Long droppedItems,
            String lastError, String transport) {}

    private final JdbcClient jdbc;

    public FleetStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a heartbeat received now. A repeat (same vehicle and sent time: an MQTT redelivery or
     * an agent that lost the answer) changes nothing but the last-seen time; an older heartbeat
     * than the latest report goes into the history only.
     *
     * @return whether it was new
     */
    @Transactional
    public boolean record(int municipalityId, String vehicle, Heartbeat h, String transport, Instant now) {
        int inserted = jdbc.sql("""
                INSERT INTO vehicle_heartbeat (municipality_id, vehicle, sent_at, received_at, lat, lon, agent_version, mode,
                    outbox_items, outbox_bytes, dropped_items, last_error, transport)
                VALUES (:m, :v, :sent, :now, :lat, :lon, :version, :mode, :items, :bytes, :dropped, :error, :transport)
                ON CONFLICT DO NOTHING""")
                .params(params(municipalityId, vehicle, h, transport, now)).update();
        jdbc.sql("""
                INSERT INTO vehicle_status (municipality_id, vehicle, sent_at, last_seen, lat, lon, agent_version, mode,
                    outbox_items, outbox_bytes, dropped_items, last_error, transport)
                VALUES (:m, :v, :sent, :now, :lat, :lon, :version, :mode, :items, :bytes, :dropped, :error, :transport)
                ON CONFLICT (municipality_id, vehicle) DO UPDATE SET
                    last_seen = GREATEST(vehicle_status.last_seen, EXCLUDED.last_seen),
                    sent_at = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.sent_at ELSE vehicle_status.sent_at END,
                    lat = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.lat ELSE vehicle_status.lat END,
                    lon = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.lon ELSE vehicle_status.lon END,
                    agent_version = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.agent_version ELSE vehicle_status.agent_version END,
                    mode = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.mode ELSE vehicle_status.mode END,
                    outbox_items = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.outbox_items ELSE vehicle_status.outbox_items END,
                    outbox_bytes = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.outbox_bytes ELSE vehicle_status.outbox_bytes END,
                    dropped_items = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.dropped_items ELSE vehicle_status.dropped_items END,
                    last_error = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.last_error ELSE vehicle_status.last_error END,
                    transport = CASE WHEN EXCLUDED.sent_at > vehicle_status.sent_at THEN EXCLUDED.transport ELSE vehicle_status.transport END""")
                .params(params(municipalityId, vehicle, h, transport, now)).update();
        return inserted == 1;
    }

    private static java.util.Map<String, Object> params(int m, String vehicle, Heartbeat h, String transport, Instant now) {
        java.util.Map<String, Object> p = new java.util.HashMap<>();
        p.put("m", m);
        p.put("v", vehicle);
        p.put("sent", Timestamp.from(h.time()));
        p.put("now", Timestamp.from(now));
        p.put("lat", h.lat());
        p.put("lon", h.lon());
        p.put("version", h.agentVersion());
        p.put("mode", h.mode());
        p.put("items", h.outboxItems());
        p.put("bytes", h.outboxBytes());
        p.put("dropped", h.droppedItems());
        p.put("error", h.lastError());
        p.put("transport", transport);
        return p;
    }

    /**
     * Every vehicle of one municipality ({@code code}), or of all (null): those that reported, and
     * those with a live vehicle token that never did (so a unit that never came up shows too).
     */
    public List<VehicleStatus> list(String code) {
        return jdbc.sql("""
                WITH known AS (
                    SELECT s.municipality_id, s.vehicle FROM vehicle_status s
                    UNION
                    SELECT t.municipality_id, t.vehicle FROM api_token t
                     WHERE t.role = 'vehicle' AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()))
                SELECT m.code, k.vehicle, s.sent_at, s.last_seen, s.lat, s.lon, s.agent_version, s.mode, s.outbox_items,
                       s.outbox_bytes, s.dropped_items, s.last_error, s.transport
                  FROM known k
                  JOIN municipality m ON m.id = k.municipality_id
                  LEFT JOIN vehicle_status s ON s.municipality_id = k.municipality_id AND s.vehicle = k.vehicle
                 WHERE CAST(:code AS text) IS NULL OR m.code = :code
                 ORDER BY m.code, k.vehicle""")
                .param("code", code).query(FleetStore::status).list();
    }

    /** The heartbeats of one vehicle, newest first. */
    public List<VehicleStatus> history(String code, String vehicle, int limit) {
        return jdbc.sql("""
                SELECT m.code, h.vehicle, h.sent_at, h.received_at AS last_seen, h.lat, h.lon, h.agent_version, h.mode,
                       h.outbox_items, h.outbox_bytes, h.dropped_items, h.last_error, h.transport
                  FROM vehicle_heartbeat h JOIN municipality m ON m.id = h.municipality_id
                 WHERE m.code = :code AND h.vehicle = :vehicle
                 ORDER BY h.sent_at DESC LIMIT :limit""")
                .param("code", code).param("vehicle", vehicle).param("limit", limit).query(FleetStore::status).list();
    }

    /** Deletes heartbeats received longer ago than {@code retention} (the latest reports stay). */
    public int purgeHistory(Duration retention, Instant now) {
        return jdbc.sql("DELETE FROM vehicle_heartbeat WHERE received_at < :before")
                .param("before", Timestamp.from(now.minus(retention))).update();
    }

    private static VehicleStatus status(ResultSet rs, int row) throws SQLException {
        return new VehicleStatus(rs.getString("code"), rs.getString("vehicle"), instant(rs, "sent_at"),
                instant(rs, "last_seen"), rs.getObject("lat", Double.class), rs.getObject("lon", Double.class),
                rs.getString("agent_version"), rs.getString("mode"), rs.getObject("outbox_items", Long.class),
                rs.getObject("outbox_bytes", Long.class), rs.getObject("dropped_items", Long.class),
                rs.getString("last_error"), rs.getString("transport"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
