package dk.vejsyn.api.live;

import dk.vejsyn.inference.frame.GeoTag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;

/**
 * The durable inbox of live frames ({@code live_frame}) and the vehicles' stream sessions
 * ({@code live_session}). See {@code V4__live_frames.sql}.
 */
@Repository
public class LiveInbox {

    /** A frame in the inbox, as a worker needs it. */
    public record InboxFrame(long id, FrameMessage message, String driveRef) {}

    private final JdbcClient jdbc;

    public LiveInbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a frame for {@code owner} to process, in its vehicle's current session (a new session
     * when the vehicle's last frame is more than {@code sessionGap} away). All of a vehicle's inserts
     * serialise on one advisory lock, so the duplicate check (the unique key, answered by the
     * insert itself) and the session choice are race-free across instances.
     *
     * @return the stored frame, or empty when (vehicle, frame id) is already in the inbox
     */
    @Transactional
    public Optional<InboxFrame> insert(FrameMessage f, String owner, Duration sessionGap, Duration lease) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('vejsyn-live-vehicle:' || ?, 0))")
                .param(f.vehicle()).query().singleRow();
        String driveRef = session(f, sessionGap);
        GeoTag t = f.tag();
        // The unique key answers "seen before" in the same statement: one round trip less than a
        // separate check. The conflict is found before the JPEG is written.
        Optional<Long> id = jdbc.sql("""
                INSERT INTO live_frame (municipality_code, vehicle, frame_id, transport, drive_ref, lat, lon, heading,
                    speed, accuracy, captured_at, jpeg, owner, lease_until, received_at)
                VALUES (:m, :v, :f, :tr, :ref, :lat, :lon, :heading, :speed, :acc, :t, :jpeg, :owner,
                    now() + make_interval(secs => :lease), :received)
                ON CONFLICT (vehicle, frame_id) DO NOTHING
                RETURNING id""")
                .param("m", f.municipality()).param("v", f.vehicle()).param("f", f.frameId())
                .param("tr", f.transport().label()).param("ref", driveRef)
                .param("lat", t.lat()).param("lon", t.lon())
                .param("heading", nullIfNaN(t.headingDeg())).param("speed", nullIfNaN(t.speedMps()))
                .param("acc", nullIfNaN(t.accuracyM())).param("t", Timestamp.from(t.time()))
                .param("jpeg", f.jpeg()).param("owner", owner).param("lease", (double) lease.toMillis() / 1000)
                .param("received", Timestamp.from(f.receivedAt()))
                .query(Long.class).optional();
        if (id.isEmpty()) {
            // A repeat must not touch the sessions: undo the widening session() did for it.
            TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
            return Optional.empty();
        }
        return Optional.of(new InboxFrame(id.get(), f, driveRef));
    }

    /** Whether (vehicle, frame id) is in the inbox (a hint: {@link #insert} decides). */
    public boolean contains(String vehicle, String frameId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM live_frame WHERE vehicle = ? AND frame_id = ?)")
                .params(vehicle, frameId).query(Boolean.class).single();
    }

    /** The drive ref of the vehicle's session that {@code f} belongs to, widening or starting it. */
    private String session(FrameMessage f, Duration gap) {
        Timestamp t = Timestamp.from(f.tag().time());
        double gapS = gap.toMillis() / 1000.0;
        Optional<String> ref = jdbc.sql("""
                UPDATE live_session SET started_at = LEAST(started_at, :t), last_frame_at = GREATEST(last_frame_at, :t),
                    last_received_at = now(), passed_at = NULL
                WHERE id = (SELECT id FROM live_session
                            WHERE vehicle = :v AND municipality_code = :m
                              AND :t BETWEEN started_at - make_interval(secs => :gap) AND last_frame_at + make_interval(secs => :gap)
                            ORDER BY last_frame_at DESC LIMIT 1)
                RETURNING drive_ref""")
                .param("t", t).param("v", f.vehicle()).param("m", f.municipality()).param("gap", gapS)
                .query(String.class).optional();
        if (ref.isPresent()) {
            return ref.get();
        }
        String newRef = driveRef(f.vehicle(), f.tag().time());
        jdbc.sql("""
                INSERT INTO live_session (municipality_code, vehicle, drive_ref, started_at, last_frame_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (drive_ref) DO NOTHING""")
                .params(f.municipality(), f.vehicle(), newRef, t, t).update();
        return newRef;
    }

    /** A stream session whose re-drive evidence is due. */
    public record SessionToPass(long id, String municipality, String vehicle, String driveRef) {}

    /**
     * Sessions that received no frame for {@code quiet}, have no frame waiting, and whose pass was
     * not recorded since their last frame; locked until the caller's transaction ends (other
     * instances skip them). Call in a transaction.
     */
    public List<SessionToPass> sessionsToPass(Duration quiet, int limit) {
        return jdbc.sql("""
                SELECT s.id, s.municipality_code, s.vehicle, s.drive_ref FROM live_session s
                WHERE s.passed_at IS NULL AND s.last_received_at < now() - make_interval(secs => :quiet)
                  AND NOT EXISTS (SELECT 1 FROM live_frame f WHERE f.drive_ref = s.drive_ref AND f.state = 'queued')
                ORDER BY s.last_received_at LIMIT :limit
                FOR UPDATE OF s SKIP LOCKED""")
                .param("quiet", quiet.toMillis() / 1000.0).param("limit", limit)
                .query((rs, n) -> new SessionToPass(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4))).list();
    }

    /** The positions of a session's processed frames, in capture order. */
    public List<GeoTag> processedFrames(String driveRef) {
        return jdbc.sql("""
                SELECT lat, lon, heading, speed, accuracy, captured_at FROM live_frame
                WHERE drive_ref = ? AND state = 'done' ORDER BY captured_at, id""")
                .param(driveRef)
                .query((rs, n) -> new GeoTag(rs.getDouble("lat"), rs.getDouble("lon"), nan(rs, "heading"),
                        nan(rs, "speed"), rs.getTimestamp("captured_at").toInstant(), nan(rs, "accuracy"), Double.NaN))
                .list();
    }

    /** Records that the session's pass was evaluated; call in the transaction that evaluated it. */
    public void markPassed(long sessionId) {
        jdbc.sql("UPDATE live_session SET passed_at = now() WHERE id = ?").param(sessionId).update();
    }

    /** {@code live:{vehicle}:{session start, ISO-8601 UTC to the second}}. */
    static String driveRef(String vehicle, Instant sessionStart) {
        return "live:" + vehicle + ":" + DateTimeFormatter.ISO_INSTANT.format(sessionStart.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Marks a frame processed and forgets its pixels; call in the transaction that stored its
     * observations. False when {@code owner} no longer holds the frame (its lease ran out and
     * another instance took it over): the caller must roll back.
     */
    public boolean markDone(long id, String owner, int observations) {
        return jdbc.sql("""
                UPDATE live_frame SET state = 'done', jpeg = NULL, observations = ?, processed_at = now(),
                    processed_by = ?, owner = NULL, lease_until = NULL
                WHERE id = ? AND state = 'queued' AND owner = ?""")
                .params(observations, owner, id, owner).update() == 1;
    }

    /**
     * Lets the current transaction commit without waiting for its WAL to reach disk. Only for
     * transactions whose loss in a database crash is harmless; see the caller.
     */
    public void commitWithoutWaitingForDisk() {
        jdbc.sql("SET LOCAL synchronous_commit = off").update();
    }

    /**
     * Records a failed processing attempt. Below {@code maxAttempts} the frame becomes free for
     * another attempt after {@code retryDelay}; at {@code maxAttempts} it is given up ({@code failed},
     * pixels dropped).
     *
     * @return true when the frame was given up
     */
    @Transactional
    public boolean markAttemptFailed(long id, String owner, String error, int maxAttempts, Duration retryDelay) {
        return jdbc.sql("""
                UPDATE live_frame SET attempts = attempts + 1, error = :err,
                    state = CASE WHEN attempts + 1 >= :max THEN 'failed' ELSE state END,
                    jpeg = CASE WHEN attempts + 1 >= :max THEN NULL ELSE jpeg END,
                    lease_until = now() + make_interval(secs => :delay)
                WHERE id = :id AND state = 'queued' AND owner = :owner
                RETURNING state""")
                .param("err", FrameFields.abbreviate(error)).param("max", maxAttempts)
                .param("delay", retryDelay.toMillis() / 1000.0).param("id", id).param("owner", owner)
                .query(String.class).optional().map("failed"::equals).orElse(false);
    }

    /**
     * Takes over the oldest accepted frame whose owner's lease has run out (an instance that
     * stopped or crashed), for {@code owner} until {@code lease} from now.
     */
    @Transactional
    public Optional<InboxFrame> claimExpired(String owner, Duration lease) {
        return jdbc.sql("""
                UPDATE live_frame SET owner = :owner, lease_until = now() + make_interval(secs => :lease)
                WHERE id = (SELECT id FROM live_frame WHERE state = 'queued' AND lease_until < now()
                            ORDER BY lease_until, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, municipality_code, vehicle, frame_id, transport, drive_ref, lat, lon, heading, speed,
                    accuracy, captured_at, jpeg, received_at""")
                .param("owner", owner).param("lease", lease.toMillis() / 1000.0)
                .query((rs, n) -> read(rs)).optional();
    }

    /**
     * Deletes up to {@code batch} processed or given-up frames received more than {@code retention}
     * ago (their pixels are already gone), except those of a session whose end has not been
     * recorded yet: its "not seen" evaluation and track still read them. Queued frames are never
     * touched. Several instances may run this at once; each deletes what it finds.
     *
     * @return rows deleted
     */
    public int purgeProcessed(Duration retention, int batch) {
        return jdbc.sql("""
                DELETE FROM live_frame WHERE id IN (
                    SELECT f.id FROM live_frame f
                    WHERE f.state <> 'queued' AND f.received_at < now() - make_interval(secs => :keep)
                      AND NOT EXISTS (SELECT 1 FROM live_session s WHERE s.drive_ref = f.drive_ref AND s.passed_at IS NULL)
                    ORDER BY f.received_at LIMIT :batch)""")
                .param("keep", (double) retention.toSeconds()).param("batch", batch).update();
    }

    /** Hands the frames {@code owner} still holds to whoever claims them next (at shutdown). */
    public int release(String owner) {
        return jdbc.sql("UPDATE live_frame SET lease_until = now() - interval '1 second' WHERE state = 'queued' AND owner = ?")
                .param(owner).update();
    }

    private static InboxFrame read(ResultSet rs) throws SQLException {
        GeoTag tag = new GeoTag(rs.getDouble("lat"), rs.getDouble("lon"), nan(rs, "heading"), nan(rs, "speed"),
                rs.getTimestamp("captured_at").toInstant(), nan(rs, "accuracy"), Double.NaN);
        FrameMessage m = new FrameMessage(rs.getString("municipality_code"), rs.getString("vehicle"),
                rs.getString("frame_id"), tag, rs.getBytes("jpeg"),
                Transport.valueOf(rs.getString("transport").toUpperCase(java.util.Locale.ROOT)),
                rs.getTimestamp("received_at").toInstant());
        return new InboxFrame(rs.getLong("id"), m, rs.getString("drive_ref"));
    }

    private static double nan(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? Double.NaN : v;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
