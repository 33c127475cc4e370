package dk.vejsyn.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * API tokens: created (the token is shown once and never stored), listed, revoked, and checked on
 * every request.
 *
 * <p>A token reads {@code vjs_<id>_<secret>}: {@code id} (16 base-32 characters) finds its row,
 * {@code secret} (256 random bits) proves it. The row keeps a password-grade hash of the whole
 * token (Spring Security's delegating encoder, bcrypt today), so a stolen database gives no usable
 * token. Hash checks are slow on purpose; a token that passed one is remembered by its SHA-256 and
 * later compared in constant time, while its row (revoked? expired?) is read on every request, so
 * a revocation takes effect on the next request, on every instance.
 *
 * <p>A vehicle token is also the vehicle's MQTT credential: user name its id
 * ({@link #mqttUsername}), password the whole token. Its row then keeps a second hash in the form
 * Mosquitto reads ({@link MosquittoHash}), from which {@link MqttAccounts} writes the broker's files.
 */
public class ApiTokens {
    public static final String PREFIX = "vjs_";
    private static final Pattern FORMAT = Pattern.compile("vjs_([a-z2-7]{16})_([A-Za-z0-9_-]{43})");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    /** How stale {@code last_used_at} may be: writing it on every request would double the cost of a read. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final PasswordEncoder encoder;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** token id → SHA-256 of a token that passed the hash check (a few hundred bytes per token). */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    /** Told after a token was made or revoked (the broker's files follow the vehicle tokens). */
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    public ApiTokens(JdbcClient jdbc, Clock clock) {
        this(jdbc, PasswordEncoderFactories.createDelegatingPasswordEncoder(), clock);
    }

    ApiTokens(JdbcClient jdbc, PasswordEncoder encoder, Clock clock) {
        this.jdbc = jdbc;
        this.encoder = encoder;
        this.clock = clock;
    }

    /** What {@link #create} needs: who the token is for and what it may do. */
    public record Request(String name, Role role, String municipality, String vehicle, Duration validFor, String createdBy) {}

    /** A token as listed: everything but the token. */
    public record Listed(String name, String role, String municipality, String vehicle, Instant createdAt,
            String createdBy, Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {}

    /** A token just created: {@code token} is shown once and exists nowhere else. */
    public record Created(Listed token, String secret) {}

    /**
     * Creates a token. Refused ({@link IllegalArgumentException}) when the name is taken by a
     * live token, the municipality does not exist, or role and municipality/vehicle do not fit.
     */
    public Created create(Request r) {
        if (r.name() == null || !r.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,79}")) {
            throw new IllegalArgumentException("token name '" + r.name()
                    + "': 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String vehicle = r.role() == Role.VEHICLE ? (r.vehicle() == null ? r.name() : r.vehicle()) : r.vehicle();
        if (vehicle != null && r.role() != Role.VEHICLE) {
            throw new IllegalArgumentException("a vehicle id goes with the vehicle role only");
        }
        if (vehicle != null && !vehicle.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("vehicle id '" + vehicle + "': 1-64 letters, digits, '.', '_' or '-'");
        }
        Integer municipalityId = null;
        if (r.role() == Role.OPERATOR) {
            if (r.municipality() != null) {
                throw new IllegalArgumentException("an operator token belongs to no municipality");
            }
        } else {
            if (r.municipality() == null) {
                throw new IllegalArgumentException("a " + r.role().wireName() + " token needs a municipality");
            }
            municipalityId = jdbc.sql("SELECT id FROM municipality WHERE code = ?").param(r.municipality())
                    .query(Integer.class).optional().orElseThrow(() -> new IllegalArgumentException(
                            "no municipality with code " + r.municipality()));
        }
        if (r.validFor() != null && (r.validFor().isNegative() || r.validFor().isZero())) {
            throw new IllegalArgumentException("a token's validity must be positive");
        }
        String id = randomId();
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String token = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Instant now = clock.instant();
        Instant expires = r.validFor() == null ? null : now.plus(r.validFor());
        try {
            jdbc.sql("""
                    INSERT INTO api_token (token_id, name, role, municipality_id, vehicle, secret_hash, mqtt_hash,
                        created_at, created_by, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, r.name(), r.role().wireName(), municipalityId, vehicle, encoder.encode(token),
                            r.role() == Role.VEHICLE ? MosquittoHash.hash(token) : null,
                            Timestamp.from(now), r.createdBy(), expires == null ? null : Timestamp.from(expires))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalArgumentException("a live token named '" + r.name() + "' exists; revoke it first");
        }
        changed();
        return new Created(new Listed(r.name(), r.role().wireName(), r.municipality(), vehicle, now, r.createdBy(),
                expires, null, null), token);
    }

    /** The live tokens (revoked ones too when {@code withRevoked}), of one municipality or (null) of all. */
    public List<Listed> list(String municipality, boolean withRevoked) {
        return jdbc.sql("""
                SELECT t.name, t.role, m.code, t.vehicle, t.created_at, t.created_by, t.expires_at, t.last_used_at,
                       t.revoked_at
                FROM api_token t LEFT JOIN municipality m ON m.id = t.municipality_id
                WHERE (CAST(:m AS text) IS NULL OR m.code = :m) AND (:all OR t.revoked_at IS NULL)
                ORDER BY t.created_at, t.id""")
                .param("m", municipality).param("all", withRevoked)
                .query((rs, n) -> new Listed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs, 5), rs.getString(6), instant(rs, 7), instant(rs, 8), instant(rs, 9)))
                .list();
    }

    /**
     * Revokes the live token named {@code name} (only within {@code municipality} unless null);
     * false when there is none. Takes effect on the next request.
     */
    public boolean revoke(String name, String municipality) {
        int n = jdbc.sql("""
                UPDATE api_token t SET revoked_at = now()
                WHERE t.name = :name AND t.revoked_at IS NULL
                  AND (CAST(:m AS text) IS NULL OR t.municipality_id = (SELECT id FROM municipality WHERE code = :m))""")
                .param("name", name).param("m", municipality).update();
        if (n > 0) {
            changed();
        }
        return n > 0;
    }

    /** The caller this token stands for; empty when it is malformed, unknown, wrong, revoked or expired. */
    public Optional<Caller> authenticate(String token) {
        var m = token == null ? null : FORMAT.matcher(token);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        record Row(String hash, String name, String role, String municipality, String vehicle, Instant expires,
                Instant lastUsed, Instant revoked) {}
        Optional<Row> row = jdbc.sql("""
                SELECT t.secret_hash, t.name, t.role, m.code, t.vehicle, t.expires_at, t.last_used_at, t.revoked_at
                FROM api_token t LEFT JOIN municipality m ON m.id = t.municipality_id WHERE t.token_id = ?""")
                .param(id)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), instant(rs, 6), instant(rs, 7), instant(rs, 8)))
                .optional();
        Instant now = clock.instant();
        if (row.isEmpty() || row.get().revoked() != null
                || (row.get().expires() != null && !now.isBefore(row.get().expires()))) {
            verified.remove(id);
            return Optional.empty();
        }
        Row r = row.get();
        byte[] digest = sha256(token);
        byte[] known = verified.get(id);
        if (known == null || !MessageDigest.isEqual(known, digest)) {
            if (!encoder.matches(token, r.hash())) {
                return Optional.empty();
            }
            verified.put(id, digest);
        }
        if (r.lastUsed() == null || r.lastUsed().isBefore(now.minus(LAST_USED_RESOLUTION))) {
            jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE token_id = ?").params(Timestamp.from(now), id).update();
        }
        return Optional.of(new Caller(r.name(), Role.parse(r.role()), r.municipality(), r.vehicle(), Caller.Via.TOKEN));
    }

    /**
     * Runs {@code listener} after every token this instance makes or revokes, on the caller's
     * thread; a listener that fails is logged and does not undo the change.
     */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(listener);
    }

    private void changed() {
        for (Runnable l : changeListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                // The token change is done and durable; the listener (the broker's files) catches up later.
                org.slf4j.LoggerFactory.getLogger(ApiTokens.class).warn("after a token change: {}", e.toString());
            }
        }
    }

    /**
     * The MQTT user name of {@code token}: its public id, the 16 characters after {@code vjs_}, so
     * that the token alone is a vehicle's credential. {@link IllegalArgumentException} when
     * {@code token} is not a token.
     */
    public static String mqttUsername(String token) {
        var m = token == null ? null : FORMAT.matcher(token);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not an API token (vjs_<id>_<secret>)");
        }
        return m.group(1);
    }

    /** True when {@code s} has the form of an API token (as opposed to a JWT). */
    public static boolean looksLikeToken(String s) {
        return s != null && s.startsWith(PREFIX);
    }

    private String randomId() {
        StringBuilder b = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
