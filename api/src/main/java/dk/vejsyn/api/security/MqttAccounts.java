package dk.vejsyn.api.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The accounts of the service's Mosquitto, written from the database: its {@code password_file}
 * and {@code acl_file} in one folder, where the broker's {@code pid_file} is too.
 *
 * <ul>
 *   <li>every live vehicle token (not revoked, not expired, with an MQTT hash) is a user named by
 *       its token id, with its {@link MosquittoHash}, that may publish to
 *       {@code {prefix}/{its municipality}/{its vehicle}/frames} and nothing else;</li>
 *   <li>the service's own account may read {@code {prefix}/+/+/frames} (its shared subscription:
 *       Mosquitto 2.0 checks read access per delivered message, on the message's topic, so this is
 *       what {@code $share/{group}/{prefix}/+/+/frames} needs) and read and write
 *       {@code {prefix}/dead-letter/#} (it publishes rejected frames there; an operator inspects
 *       them with this account).</li>
 * </ul>
 *
 * Anything else is refused by the broker: there is no anonymous access and no other account.
 * {@link #refresh} writes a file only when its content changed (to a temporary file, then renamed
 * over the old one, so that the broker never reads half a file) and then asks the broker to re-read
 * them (SIGHUP to the pid in {@value #PID_FILE}). On that reload Mosquitto also disconnects clients
 * whose account is gone, so a revoked vehicle is cut off, not only refused its next connection.
 */
public final class MqttAccounts {
    public static final String PASSWORD_FILE = "passwd";
    public static final String ACL_FILE = "acl";
    /**
     * What a vehicle publishes under {@code {prefix}/{municipality}/{vehicle}/}: sampled frames (the
     * service detects), observations (the vehicle detected on board) and heartbeats. The service
     * reads all three; a vehicle writes only its own.
     */
    public static final List<String> VEHICLE_TOPICS = List.of("frames", "observations", "heartbeat");
    public static final String PID_FILE = "mosquitto.pid";
    private static final Logger log = LoggerFactory.getLogger(MqttAccounts.class);

    private final JdbcClient jdbc;
    private final Path dir;
    private final String topicPrefix;
    private final String serviceUser;
    private final String servicePassword;
    private final Clock clock;

    /** The two files' content. */
    public record Content(String passwords, String acl) {}

    /**
     * Accounts of the broker whose files are in {@code dir}, for topics under {@code topicPrefix},
     * with the service's account {@code serviceUser} / {@code servicePassword}.
     */
    public MqttAccounts(JdbcClient jdbc, Path dir, String topicPrefix, String serviceUser, String servicePassword,
            Clock clock) {
        if (serviceUser == null || !serviceUser.matches("[A-Za-z0-9._-]{1,64}") || serviceUser.matches("[a-z2-7]{16}")) {
            throw new IllegalArgumentException("MQTT service user name '" + serviceUser
                    + "': 1-64 letters, digits, '.', '_' or '-', and not 16 characters of a-z and 2-7 (a token id)");
        }
        if (servicePassword == null || servicePassword.isBlank() || servicePassword.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the MQTT service account needs a password (no control characters)");
        }
        String prefix = topicPrefix.endsWith("/") ? topicPrefix.substring(0, topicPrefix.length() - 1) : topicPrefix;
        if (prefix.isEmpty() || prefix.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
                || prefix.contains("+") || prefix.contains("#")) {
            throw new IllegalArgumentException("MQTT topic prefix '" + topicPrefix + "': no wildcards or white space");
        }
        this.jdbc = jdbc;
        this.dir = dir;
        this.topicPrefix = prefix;
        this.serviceUser = serviceUser;
        this.servicePassword = servicePassword;
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    /** The files as they should be now. */
    public Content render() {
        record Vehicle(String id, String hash, String name, String municipality, String vehicle) {}
        List<Vehicle> vehicles = jdbc.sql("""
                SELECT t.token_id, t.mqtt_hash, t.name, m.code, t.vehicle
                FROM api_token t JOIN municipality m ON m.id = t.municipality_id
                WHERE t.role = 'vehicle' AND t.mqtt_hash IS NOT NULL AND t.revoked_at IS NULL
                  AND (t.expires_at IS NULL OR t.expires_at > ?)
                ORDER BY t.token_id""")
                .param(Timestamp.from(clock.instant()))
                .query((rs, n) -> new Vehicle(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)))
                .list();
        StringBuilder pw = new StringBuilder();
        pw.append(serviceUser).append(':').append(serviceHash()).append('\n');
        StringBuilder acl = new StringBuilder();
        acl.append("# Written by Vejsyn from its vehicle tokens (MqttAccounts); edits are overwritten.\n\n");
        acl.append("user ").append(serviceUser).append('\n');
        for (String kind : VEHICLE_TOPICS) {
            acl.append("topic read ").append(topicPrefix).append("/+/+/").append(kind).append('\n');
        }
        acl.append("topic readwrite ").append(topicPrefix).append("/dead-letter/#\n");
        for (Vehicle v : vehicles) {
            pw.append(v.id()).append(':').append(v.hash()).append('\n');
            acl.append("\n# token ").append(v.name()).append('\n');
            acl.append("user ").append(v.id()).append('\n');
            for (String kind : VEHICLE_TOPICS) {
                acl.append("topic write ").append(topicPrefix).append('/').append(v.municipality()).append('/')
                        .append(v.vehicle()).append('/').append(kind).append('\n');
            }
        }
        return new Content(pw.toString(), acl.toString());
    }

    /**
     * Writes the files where they changed and then has the broker re-read them; true when
     * anything changed. The broker is signalled only when {@value #PID_FILE} names a running
     * {@code mosquitto}: a stale pid file must not make this signal another process.
     */
    public synchronized boolean refresh() {
        Content f = render();
        try {
            Files.createDirectories(dir);
            boolean changed = write(dir.resolve(PASSWORD_FILE), f.passwords());
            changed |= write(dir.resolve(ACL_FILE), f.acl());
            if (changed) {
                reloadBroker();
            }
            return changed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker's accounts in " + dir, e);
        }
    }

    /** The pid of the running broker of these files, if any. */
    public Optional<ProcessHandle> broker() {
        Path pidFile = dir.resolve(PID_FILE);
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("/mosquitto") || c.equals("mosquitto"))
                            .orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void reloadBroker() throws IOException {
        Optional<ProcessHandle> broker = broker();
        if (broker.isEmpty()) {
            return;
        }
        long pid = broker.get().pid();
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
        try {
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                log.warn("could not signal the MQTT broker (pid {}) to re-read its accounts: {}", pid,
                        new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        log.info("MQTT broker (pid {}) re-reads its accounts from {}", pid, dir);
    }

    /** The service's line keeps its hash while the password stays the same: a new salt would change the file each time. */
    private String serviceHash() {
        Path file = dir.resolve(PASSWORD_FILE);
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.startsWith(serviceUser + ":")) {
                        String hash = line.substring(serviceUser.length() + 1);
                        if (MosquittoHash.matches(servicePassword, hash)) {
                            return hash;
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.debug("cannot read {}: {}", file, e.toString());
        }
        return MosquittoHash.hash(servicePassword);
    }

    /** Replaces {@code file} with {@code content} unless it has it already; true when written. */
    private static boolean write(Path file, String content) throws IOException {
        if (Files.isRegularFile(file)
                && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return false;
        }
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return true;
    }
}
