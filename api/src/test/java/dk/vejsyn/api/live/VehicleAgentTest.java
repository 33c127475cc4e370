package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestBroker;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.frame.track.Tracks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The vehicle agent ({@code vejsyn agent}, module {@code agent/}) end to end, with real servers and no
 * hardware: the sample drive's video played at its real pace as the camera, its GPS track replayed by
 * {@code gpsfake} as a live receiver behind gpsd (NMEA written by this test from {@code drive.gpx},
 * re-timed to now), the agent as a process of its own, and a service process ({@code vejsyn serve}) on
 * the tests' database and broker. The batch result is {@code vejsyn detect --db} of the same drive in
 * municipality 147; each agent run streams into a municipality of its own and its findings are
 * compared with the batch's.
 *
 * <ul>
 *   <li>stream mode, the broker cut off mid-drive and restored (a TCP proxy between agent and broker
 *       that drops and refuses connections): every frame the agent queued reaches the service once,
 *       and the findings are the batch's;</li>
 *   <li>edge mode, likewise cut off: only observations leave the vehicle (no frame reaches the
 *       inbox), each once, and the findings are the batch's;</li>
 *   <li>the agent killed with SIGKILL mid-drive while the link is down, then restarted: what its
 *       outbox held is sent after the restart, nothing twice.</li>
 * </ul>
 *
 * <p>Time: every run plays the whole 42 s drive at real pace (the video's pace is what a vehicle's
 * camera gives; a sped-up clock would test another program), about 1 min per run with start-up.
 */
class VehicleAgentTest {
    static final Path ROOT = Path.of(System.getProperty("vejsyn.repo.root", "..")).toAbsolutePath().normalize();
    static final Path DRIVE = ROOT.resolve("sample-images/odense-drive");
    static final Duration START = Duration.ofMinutes(3);
    static final String BATCH = "147";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern QUEUED = Pattern.compile("queued (frames|observations) (\\S+)");
    static final Pattern PER_KM = Pattern.compile("(\\d+) items queued, (\\d+) bytes \\(payload \\+ fields\\), (\\d+) bytes/km");

    static final JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(PostgisIntegrationTest.JDBC_URL));
    static final String run = LiveFixtures.uniqueId("agent");
    static ServiceProcess service;
    static List<Finding> batch;

    record Finding(String type, double lat, double lon) {}

    @BeforeAll
    static void serviceAndBatch() throws Exception {
        requireGpsfake();
        for (String m : List.of(BATCH, "151", "153", "155")) {
            emptyMunicipality(m);
        }
        Map<String, String> s = new HashMap<>();
        s.put("vejsyn.live.topic-prefix", TestBroker.PREFIX);
        s.put("vejsyn.live.share-group", run);
        s.put("vejsyn.live.client-id", run);
        service = ServiceProcess.start("agent-service", s);
        // The batch result meanwhile: `detect --db` of the same drive, in a process of its own.
        Process detect = javaProcess(List.of("dk.vejsyn.api.cli.VejsynMain", "detect",
                "--video", DRIVE.resolve("drive.mp4").toString(), "--track", DRIVE.resolve("drive.gpx").toString(),
                "--camera", DRIVE.resolve("camera.json").toString(),
                "--out", Path.of("target", run + "-batch.geojson").toAbsolutePath().toString(),
                "--db", PostgisIntegrationTest.JDBC_URL, "--municipality", BATCH, "--drive-ref", run, "--quiet"),
                Path.of("target", run + "-batch.log"), null);
        assertThat(detect.waitFor(5, TimeUnit.MINUTES)).as("batch detect finished").isTrue();
        assertThat(detect.exitValue()).as(Files.readString(Path.of("target", run + "-batch.log"))).isZero();
        batch = findings(BATCH);
        assertThat(batch).as("the batch run's findings").hasSizeGreaterThan(5);
        service.awaitServing(START);
        await(START, "the service consuming frames and observations", () -> service.output().contains("consuming live frames")
                && service.output().contains("consuming on-board observations"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        ServiceProcess.closeAll(service);
    }

    @Test
    void streamModeCutOffFromTheBrokerMidDriveLosesNothingAndFindsWhatBatchFinds() throws Exception {
        String vehicle = LiveFixtures.uniqueId("truck");
        String token = TestTokens.create(Role.VEHICLE, "151", vehicle);
        List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient watcher = TestBroker.serviceClient(LiveFixtures.uniqueId("hb"));
        watcher.toAsync().subscribeWith().topicFilter(TestBroker.PREFIX + "/151/" + vehicle + "/heartbeat")
                .qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                    try {
                        heartbeats.add(JSON.readTree(p.getPayloadAsBytes()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).send().join();
        try (Proxy proxy = new Proxy(URI.create(TestBroker.URL)); Drive drive = new Drive();
                Agent agent = Agent.start("stream-cut", config(vehicle, "151", token, "stream", proxy, drive, "stream-cut"))) {
            drive.startWhenAgentReady(agent);
            await(START, "frames delivered before the cut", () -> inbox(vehicle).size() >= 15);
            proxy.cut();
            int queuedAtCut = agent.queued().size();
            await(START, "frames queued while cut off", () -> agent.queued().size() >= queuedAtCut + 10
                    && agent.log().contains("cannot send"));
            int deliveredInCut = inbox(vehicle).size();
            proxy.restore();
            assertThat(agent.awaitExit(START)).as(agent.log()).isZero();

            List<String> queued = agent.queued();
            assertThat(deliveredInCut).as("nothing arrived while the link was down").isLessThan(queued.size());
            assertThat(queued).as("frame ids queued once each").doesNotHaveDuplicates();
            await(START, "every frame processed", () -> jdbc.queryForObject(
                    "SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class, vehicle) == queued.size());
            assertThat(inbox(vehicle)).as("every queued frame once, nothing else").containsExactlyInAnyOrderElementsOf(queued);
            assertSameFindings("151", 0.5);
            recordBytesPerKm("stream", agent);

            // Heartbeats: exactly the agreed fields, in order.
            await(Duration.ofSeconds(30), "heartbeats", () -> !heartbeats.isEmpty());
            JsonNode hb = heartbeats.get(heartbeats.size() - 1);
            List<String> names = new ArrayList<>();
            hb.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("time", "lat", "lon", "agent_version", "mode", "outbox_items", "outbox_bytes",
                    "dropped_items", "last_error");
            assertThat(Instant.parse(hb.get("time").asText())).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(2, ChronoUnit.MINUTES));
            assertThat(hb.get("mode").asText()).isEqualTo("stream");
            assertThat(hb.get("agent_version").asText()).isEqualTo("0.1.0");
            assertThat(hb.get("lat").isNumber() && hb.get("lon").isNumber()).as("%s", hb).isTrue();
            assertThat(heartbeats).as("a heartbeat after the cut reports the backlog or the error")
                    .anyMatch(h -> h.get("outbox_items").asLong() > 0 || !h.get("last_error").isNull());
        } finally {
            watcher.disconnect();
        }
    }

    @Test
    void edgeModeSendsOnlyObservationsOnceEachAndFindsWhatBatchFinds() throws Exception {
        String vehicle = LiveFixtures.uniqueId("truck");
        String token = TestTokens.create(Role.VEHICLE, "153", vehicle);
        try (Proxy proxy = new Proxy(URI.create(TestBroker.URL)); Drive drive = new Drive();
                Agent agent = Agent.start("edge-cut", config(vehicle, "153", token, "edge", proxy, drive, "edge-cut"))) {
            drive.startWhenAgentReady(agent);
            await(START, "observations delivered before the cut", () -> observationIds(vehicle).size() >= 5);
            proxy.cut();
            int queuedAtCut = agent.queued().size();
            await(START, "observations queued while cut off", () -> agent.queued().size() >= queuedAtCut + 5
                    && agent.log().contains("cannot send"));
            proxy.restore();
            assertThat(agent.awaitExit(START)).as(agent.log()).isZero();

            List<String> queued = agent.queued();
            assertThat(queued).doesNotHaveDuplicates();
            assertThat(observationIds(vehicle)).as("every observation once").containsExactlyInAnyOrderElementsOf(queued);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM observation o JOIN municipality m ON m.id = o.municipality_id "
                    + "WHERE m.code = '153'", Integer.class)).as("stored once each").isEqualTo(queued.size());
            assertThat(inbox(vehicle)).as("no frame left the vehicle").isEmpty();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM observation o JOIN municipality m ON m.id = o.municipality_id "
                    + "WHERE m.code = '153' AND o.evidence_jpeg IS NOT NULL", Integer.class)).as("each with its crop")
                    .isEqualTo(queued.size());
            assertSameFindings("153", 0.05);
            recordBytesPerKm("edge", agent);
        }
    }

    @Test
    void killedHardMidDriveAndRestartedItSendsWhatItsOutboxHeldAndNothingTwice() throws Exception {
        String vehicle = LiveFixtures.uniqueId("truck");
        String token = TestTokens.create(Role.VEHICLE, "155", vehicle);
        try (Proxy proxy = new Proxy(URI.create(TestBroker.URL)); Drive drive = new Drive()) {
            Path config = config(vehicle, "155", token, "stream", proxy, drive, "kill");
            List<String> beforeKill;
            try (Agent first = Agent.start("kill-1", config)) {
                drive.startWhenAgentReady(first);
                await(START, "frames delivered", () -> inbox(vehicle).size() >= 10);
                proxy.cut();
                int queuedAtCut = first.queued().size();
                await(START, "frames waiting in the outbox", () -> first.queued().size() >= queuedAtCut + 8);
                first.kill();
                beforeKill = first.queued();
            }
            List<String> deliveredBeforeRestart = inbox(vehicle);
            assertThat(deliveredBeforeRestart).as("the outbox held frames when the agent died").hasSizeLessThan(beforeKill.size());
            proxy.restore();
            try (Agent second = Agent.start("kill-2", config)) {
                assertThat(second.awaitExit(START)).as(second.log()).isZero();
                assertThat(second.log()).contains("waiting from before");
                Set<String> queued = new HashSet<>(beforeKill);
                queued.addAll(second.queued());
                await(START, "every frame processed", () -> jdbc.queryForObject(
                        "SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class, vehicle)
                        == inbox(vehicle).size());
                List<String> inbox = inbox(vehicle);
                assertThat(inbox).as("each frame once").doesNotHaveDuplicates();
                assertThat(inbox).as("every frame queued before the kill and after it").containsAll(queued);
                // A frame the agent stored but had not logged yet when it died may be there too: nothing else.
                assertThat(inbox.size()).isLessThanOrEqualTo(queued.size() + 1);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static void requireGpsfake() {
        for (String c : List.of("/usr/bin/gpsfake", "/usr/sbin/gpsd")) {
            assertThat(Path.of(c)).as(c + " (Debian gpsd-clients and gpsd; bin/test installs them)").exists();
        }
    }

    static Path config(String vehicle, String municipality, String token, String mode, Proxy proxy, Drive drive,
            String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", run, name).toAbsolutePath());
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("vehicle", vehicle);
        c.put("municipality", municipality);
        c.put("token", token);
        c.put("mode", mode);
        // No service URL: while the broker is cut off the agent has no link at all.
        c.put("mqtt_url", "tcp://127.0.0.1:" + proxy.port());
        c.put("topic_prefix", TestBroker.PREFIX);
        c.put("camera", Map.of("source", DRIVE.resolve("drive.mp4").toString(), "profile",
                DRIVE.resolve("camera.json").toString(), "file_start", drive.start.toString()));
        c.put("gps", Map.of("gpsd", "127.0.0.1:" + drive.port));
        c.put("outbox", Map.of("dir", dir.resolve("outbox").toString()));
        c.put("heartbeat_seconds", 2);
        Path file = dir.resolve("vehicle.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), c);
        return file;
    }

    static List<String> inbox(String vehicle) {
        return jdbc.queryForList("SELECT frame_id FROM live_frame WHERE vehicle = ?", String.class, vehicle);
    }

    static List<String> observationIds(String vehicle) {
        return jdbc.queryForList("SELECT observation_id FROM vehicle_observation WHERE vehicle = ?", String.class, vehicle);
    }

    static List<Finding> findings(String municipality) {
        return jdbc.query("SELECT f.damage_type, ST_Y(f.geom), ST_X(f.geom) FROM finding f JOIN municipality m "
                        + "ON m.id = f.municipality_id WHERE m.code = ? ORDER BY f.id",
                (rs, n) -> new Finding(rs.getString(1), rs.getDouble(2), rs.getDouble(3)), municipality);
    }

    /** The same findings as the batch run: as many, each within {@code toleranceM} of its own batch finding of its type. */
    static void assertSameFindings(String municipality, double toleranceM) {
        List<Finding> live = findings(municipality);
        List<Finding> left = new ArrayList<>(batch);
        List<String> unmatched = new ArrayList<>();
        for (Finding f : live) {
            Finding best = null;
            double bestM = Double.MAX_VALUE;
            for (Finding b : left) {
                double d = dk.vejsyn.inference.geo.Georeferencer.distanceM(f.lat(), f.lon(), b.lat(), b.lon());
                if (b.type().equals(f.type()) && d < bestM) {
                    best = b;
                    bestM = d;
                }
            }
            if (best == null || bestM > toleranceM) {
                unmatched.add(f + (best == null ? "" : String.format(Locale.ROOT, " (nearest batch finding %.2f m)", bestM)));
            } else {
                left.remove(best);
            }
        }
        assertThat(unmatched).as("findings of %s without a batch finding within %s m", municipality, toleranceM).isEmpty();
        assertThat(left).as("batch findings not found by the agent run in %s", municipality).isEmpty();
    }

    static void recordBytesPerKm(String mode, Agent agent) throws IOException {
        Matcher m = PER_KM.matcher(agent.log());
        String last = null;
        while (m.find()) {
            last = m.group(0);
        }
        assertThat(last).as("the agent's summary").isNotNull();
        assertThat(agent.log()).as("every frame of the drive had its fixes (time alignment as in batch)").contains("no fix 0)");
        // Read by the benchmark notes (docs/BENCHMARKS.md, "On the vehicle").
        Files.writeString(Path.of("target", "agent-bytes-per-km-" + mode + ".txt"), last + "\n");
        System.out.println("agent " + mode + ": " + last);
    }

    static void emptyMunicipality(String code) {
        Integer id = jdbc.queryForObject("SELECT id FROM municipality WHERE code = ?", Integer.class, code);
        if (jdbc.queryForObject("SELECT to_regclass('finding') IS NOT NULL", Boolean.class)) {
            jdbc.update("DELETE FROM work_order WHERE municipality_id = ?", id);
            jdbc.update("DELETE FROM finding_event WHERE municipality_id = ?", id);
            jdbc.update("UPDATE finding SET best_observation_id = NULL WHERE municipality_id = ?", id);
            jdbc.update("DELETE FROM observation WHERE municipality_id = ?", id);
            jdbc.update("DELETE FROM finding WHERE municipality_id = ?", id);
        }
    }

    /** A JVM on the service's class path (the agent's classes are on it too, as a test dependency). */
    static Process javaProcess(List<String> mainAndArgs, Path log, Path logbackConfig) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        for (String p : List.of("ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                "vejsyn.repo.root", "vejsyn.runtime.convolutions")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        if (logbackConfig != null) {
            cmd.add("-Dlogback.configurationFile=" + logbackConfig);
        }
        cmd.add("-cp");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.add(java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
                .filter(e -> !Path.of(e).endsWith("test-classes"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toAbsolutePath().toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    /** The vehicle agent as a process of its own; its log in {@code target/<run>-<name>.log}. */
    static final class Agent implements AutoCloseable {
        final Process process;
        final Path log;

        private Agent(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Agent start(String name, Path config) throws IOException {
            Path logback = Path.of("target", "agent-logback.xml").toAbsolutePath();
            Files.writeString(logback, """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="dk.vejsyn.agent" level="DEBUG"/>
                      <root level="WARN"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """);
            Path log = Path.of("target", run + "-" + name + ".log");
            return new Agent(javaProcess(List.of("dk.vejsyn.agent.AgentMain", "--config", config.toString()), log, logback),
                    log);
        }

        String log() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        /** Ids of the items it stored in its outbox, in order. */
        List<String> queued() {
            List<String> ids = new ArrayList<>();
            Matcher m = QUEUED.matcher(log());
            while (m.find()) {
                ids.add(m.group(2));
            }
            return ids;
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the agent did not finish within " + timeout + ":\n" + log());
            }
            return process.exitValue();
        }

        /** SIGKILL: no shutdown hook, nothing flushed, the outbox as the disk has it. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill();
            }
        }
    }

    /**
     * The drive's GPS as a live receiver: its fixes written as NMEA RMC sentences re-timed to start at
     * {@link #start} (now, since the service refuses frames older than its inbox retention), replayed
     * by {@code gpsfake} at one sentence per second into a gpsd of its own on {@link #port}. Eight fixes
     * before the drive's first, on the same line, let gpsd recognise the receiver (it reports from
     * the third sentence on) and the agent connect (gpsfake starts gpsd) before the drive starts, so
     * the first frame is placed as in batch.
     */
    static final class Drive implements AutoCloseable {
        static final int LEAD = 8;
        final Instant start = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        final int port = freePort();
        final Path nmea;
        Process gpsfake;

        Drive() throws IOException {
            List<GeoTag> fixes = Tracks.read(DRIVE.resolve("drive.gpx")).fixes();
            GeoTag a = fixes.get(0);
            GeoTag b = fixes.get(1);
            StringBuilder s = new StringBuilder();
            for (int k = LEAD; k >= 1; k--) {
                s.append(rmc(a.lat() - (b.lat() - a.lat()) * k, a.lon() - (b.lon() - a.lon()) * k, start.minusSeconds(k)));
            }
            Instant t0 = fixes.get(0).time();
            for (GeoTag f : fixes) {
                s.append(rmc(f.lat(), f.lon(), start.plus(Duration.between(t0, f.time()))));
            }
            nmea = Files.writeString(Path.of("target", run + "-" + port + ".nmea").toAbsolutePath(), s.toString());
        }

        static String rmc(double lat, double lon, Instant t) {
            var utc = t.atOffset(ZoneOffset.UTC);
            String body = String.format(Locale.ROOT, "GPRMC,%s.00,A,%s,%s,%s,%s,,,%s,,,A",
                    utc.format(DateTimeFormatter.ofPattern("HHmmss")), dm(Math.abs(lat), 2), lat >= 0 ? "N" : "S",
                    dm(Math.abs(lon), 3), lon >= 0 ? "E" : "W", utc.format(DateTimeFormatter.ofPattern("ddMMyy")));
            int sum = 0;
            for (char c : body.toCharArray()) {
                sum ^= c;
            }
            return String.format(Locale.ROOT, "$%s*%02X\r\n", body, sum);
        }

        static String dm(double deg, int digits) {
            int d = (int) deg;
            return String.format(Locale.ROOT, "%0" + digits + "d%010.7f", d, (deg - d) * 60);
        }

        /** Starts the replay once the agent has opened its camera (and so waits for the GPS clock). */
        void startWhenAgentReady(Agent agent) throws Exception {
            await(START, "the agent's camera open", () -> {
                if (!agent.process.isAlive()) {
                    throw new AssertionError("the agent exited:\n" + agent.log());
                }
                return agent.log().contains("filmed from");
            });
            gpsfake = new ProcessBuilder("gpsfake", "-1", "-q", "-c", "1", "-P", Integer.toString(port), nmea.toString())
                    .redirectErrorStream(true).redirectOutput(Path.of("target", run + "-gpsfake-" + port + ".log").toFile())
                    .start();
        }

        @Override
        public void close() {
            if (gpsfake != null) {
                // gpsfake runs gpsd as its child: end both.
                gpsfake.descendants().forEach(ProcessHandle::destroy);
                gpsfake.destroy();
                try {
                    // gpsfake may not heed SIGTERM while it waits on its gpsd: then SIGKILL.
                    if (!gpsfake.waitFor(5, TimeUnit.SECONDS)) {
                        gpsfake.descendants().forEach(ProcessHandle::destroyForcibly);
                        gpsfake.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A TCP proxy in front of the broker that can cut the vehicle off: {@link #cut} closes every
     * connection and refuses new ones (as a tunnel or a dead zone does), {@link #restore} lets them
     * through again. The service's own connection to the broker is not affected.
     */
    static final class Proxy implements AutoCloseable {
        private final ServerSocket server;
        private final URI broker;
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean cut;

        Proxy(URI broker) throws IOException {
            this.broker = broker;
            this.server = new ServerSocket();
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread t = new Thread(this::accept, "agent-test-proxy");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    if (cut) {
                        client.close();
                        continue;
                    }
                    Socket upstream = new Socket(broker.getHost(), broker.getPort() > 0 ? broker.getPort() : 1883);
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // closed, or one connection failed: go on
                }
            }
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[65536];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // connection ended
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "agent-test-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        void cut() {
            cut = true;
            synchronized (open) {
                for (Iterator<Socket> i = open.iterator(); i.hasNext(); ) {
                    closeQuietly(i.next());
                    i.remove();
                }
            }
        }

        void restore() {
            cut = false;
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        @Override
        public void close() throws IOException {
            cut();
            server.close();
        }
    }
}
