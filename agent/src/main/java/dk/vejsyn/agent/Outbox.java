package dk.vejsyn.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vehicle's durable outbox: everything the agent sampled (a frame) or found (an observation)
 * goes here first and leaves only when the service has acknowledged it, so a dead link, a stopped
 * broker or a power cut loses nothing that was written.
 *
 * <p><b>Store.</b> SQLite (xerial sqlite-jdbc) in WAL mode with {@code synchronous=FULL}: a row is on
 * the disk when {@link #add} returns, and a power cut in the middle of a write leaves the database as
 * before or after it, never torn. Rows are ordered by an insertion sequence: sent oldest first, dropped
 * oldest first.
 *
 * <p><b>Once.</b> Each item has the vehicle's id for it (the frame id or observation id) and is stored
 * once per id. An item is deleted only after its acknowledgement; killed between the two, the agent
 * sends it again after the restart, and the service answers "duplicate" (it processes each id once).
 *
 * <p><b>Budget.</b> The outbox holds at most {@code maxBytes} of payload and fields and nothing older
 * than {@code maxAge}. When a new item would exceed the budget (a long dead zone), the oldest items are
 * dropped first, counted (the count survives restarts and goes into the heartbeat) and logged.
 *
 * <p>Thread-safe: one connection, every method synchronized.
 */
public final class Outbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Per-row overhead counted against the budget besides payload and fields (SQLite page share, index). */
    private static final int ROW_OVERHEAD = 64;

    /** One waiting item. */
    public record Item(long seq, String kind, String id, Instant created, Map<String, String> fields, byte[] payload) {}

    /** Backlog now. */
    public record Stats(long items, long bytes, long dropped) {}

    private final Connection db;
    private final long maxBytes;
    private final Duration maxAge;
    private final Clock clock;
    private long items;
    private long bytes;
    private long dropped;

    /** Opens (or creates) the outbox in {@code dir}. */
    public Outbox(Path dir, long maxBytes, Duration maxAge, Clock clock) {
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
            db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS item (
                          seq     INTEGER PRIMARY KEY AUTOINCREMENT,
                          kind    TEXT NOT NULL,
                          id      TEXT NOT NULL UNIQUE,
                          created INTEGER NOT NULL,
                          fields  TEXT NOT NULL,
                          payload BLOB NOT NULL,
                          bytes   INTEGER NOT NULL)""");
                s.execute("CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
                s.execute("INSERT OR IGNORE INTO counter VALUES ('dropped', 0)");
                try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(bytes), 0) FROM item")) {
                    rs.next();
                    items = rs.getLong(1);
                    bytes = rs.getLong(2);
                }
                try (ResultSet rs = s.executeQuery("SELECT value FROM counter WHERE name = 'dropped'")) {
                    rs.next();
                    dropped = rs.getLong(1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("outbox " + dir + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("outbox " + dir + ": " + e.getMessage(), e);
        }
        if (items > 0) {
            log.info("outbox {}: {} items ({} KiB) waiting from before; sending them first", dir, items, bytes / 1024);
        }
    }

    /**
     * Stores an item durably (returns after the disk has it); an id already waiting is not stored again.
     * Then drops the oldest items beyond the budget.
     *
     * @return whether it was stored (false: the id is already waiting)
     */
    public synchronized boolean add(String kind, String id, Map<String, String> fields, byte[] payload) {
        String f;
        try {
            f = JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        long size = payload.length + f.length() + ROW_OVERHEAD;
        try (PreparedStatement p = db.prepareStatement(
                "INSERT OR IGNORE INTO item (kind, id, created, fields, payload, bytes) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setString(1, kind);
            p.setString(2, id);
            p.setLong(3, clock.millis());
            p.setString(4, f);
            p.setBytes(5, payload);
            p.setLong(6, size);
            if (p.executeUpdate() == 0) {
                return false;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("outbox write failed: " + e.getMessage(), e);
        }
        items++;
        bytes += size;
        enforceBudget();
        return true;
    }

    /** Drops items older than the age limit and, oldest first, items beyond the size budget. */
    public synchronized void enforceBudget() {
        try {
            long cutoff = clock.millis() - maxAge.toMillis();
            int aged = dropWhere("created < " + cutoff);
            if (aged > 0) {
                log.warn("outbox: dropped {} items older than {} ({} dropped in all)", aged, maxAge, dropped);
            }
            if (bytes <= maxBytes) {
                return;
            }
            long over = bytes - maxBytes;
            // The oldest rows whose running total covers the excess.
            long cut;
            try (PreparedStatement p = db.prepareStatement(
                    "SELECT seq FROM (SELECT seq, sum(bytes) OVER (ORDER BY seq) AS running FROM item) "
                            + "WHERE running >= ? ORDER BY seq LIMIT 1")) {
                p.setLong(1, over);
                try (ResultSet rs = p.executeQuery()) {
                    cut = rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
                }
            }
            long before = bytes;
            int n = dropWhere("seq <= " + cut);
            log.warn("outbox full: {} MiB waiting against a budget of {} MiB (the link has been down); dropped the {} "
                    + "oldest items ({} KiB), {} dropped in all", String.format("%.1f", before / 1048576.0),
                    String.format("%.1f", maxBytes / 1048576.0), n, (before - bytes) / 1024, dropped);
        } catch (SQLException e) {
            throw new IllegalStateException("outbox budget: " + e.getMessage(), e);
        }
    }

    private int dropWhere(String condition) throws SQLException {
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            long freed;
            long n;
            try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(bytes), 0) FROM item WHERE " + condition)) {
                rs.next();
                n = rs.getLong(1);
                freed = rs.getLong(2);
            }
            if (n == 0) {
                db.rollback();
                return 0;
            }
            s.executeUpdate("DELETE FROM item WHERE " + condition);
            s.executeUpdate("UPDATE counter SET value = value + " + n + " WHERE name = 'dropped'");
            db.commit();
            items -= n;
            bytes -= freed;
            dropped += n;
            return (int) n;
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** The {@code limit} oldest waiting items. */
    public synchronized List<Item> oldest(int limit) {
        List<Item> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement(
                "SELECT seq, kind, id, created, fields, payload FROM item ORDER BY seq LIMIT ?")) {
            p.setInt(1, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> fields = JSON.readValue(rs.getString(5), new TypeReference<LinkedHashMap<String, String>>() {});
                    out.add(new Item(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                            fields, rs.getBytes(6)));
                }
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("outbox read failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** Removes an acknowledged item (a no-op when it was dropped meanwhile). */
    public synchronized void remove(long seq) {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM item WHERE seq = ? RETURNING bytes")) {
            p.setLong(1, seq);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    items--;
                    bytes -= rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("outbox delete failed: " + e.getMessage(), e);
        }
    }

    public synchronized Stats stats() {
        return new Stats(items, bytes, dropped);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("closing the outbox: {}", e.toString());
        }
    }
}
