package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static dk.vejsyn.api.live.LiveFixtures.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.SampleDriveDetectors;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import dk.vejsyn.inference.geo.Georeferencer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Live frames over a real Mosquitto into PostGIS: frames become observations and findings, a
 * frame sent twice (over MQTT and HTTP) is processed once, and poison messages are dead-lettered
 * with their reason while consumption goes on. Detection is the sample drive's ground truth
 * ({@link SampleDriveDetectors}), so that this checks the plumbing, not the model's accuracy.
 */
@DirtiesContext
@Import(SampleDriveDetectors.Config.class)
class LiveMqttIngestTest extends PostgisIntegrationTest {
    static final String PREFIX = LiveFixtures.PREFIX;

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.broker-url", () -> LiveFixtures.MQTT_URL);
        r.add("vejsyn.live.topic-prefix", () -> PREFIX);
        r.add("vejsyn.live.share-group", () -> LiveFixtures.uniqueId("it"));
        r.add("vejsyn.live.client-id", () -> LiveFixtures.uniqueId("vejsyn-it"));
        r.add("vejsyn.live.session-expiry", () -> "60s");
        r.add("vejsyn.detection.workers", () -> "2");
    }

    @Autowired
    LiveIngest ingest;

    @LocalServerPort
    int port;

    Mqtt5BlockingClient vehicleClient;
    String vehicle;

    @BeforeEach
    void connect() {
        vehicle = LiveFixtures.uniqueId("truck");
        vehicleClient = LiveFixtures.vehicleClient(LiveFixtures.uniqueId("vehicle"), "461", vehicle);
    }

    @AfterEach
    void disconnect() {
        vehicleClient.disconnect();
    }

    private String topic() {
        return PREFIX + "/461/" + vehicle + "/frames";
    }

    private int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    private int done() {
        return count("SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", vehicle);
    }

    @Test
    void framesOverMqttBecomeFindingsAndARepeatedFrameIsProcessedOnce() throws Exception {
        // Images around the drive's first two potholes (P01 in 6–9, P02 in 14–17).
        List<SampleFrame> frames = LiveFixtures.frames(5, 6, 7, 8, 9, 14, 15, 16, 17);
        for (SampleFrame f : frames) {
            publish(vehicleClient, topic(), f.jpeg(), f.fields());
        }
        await(Duration.ofMinutes(3), "all frames processed", () -> done() == frames.size());

        String source = "live/" + vehicle + "/%";
        int observations = count("SELECT count(*) FROM observation WHERE source LIKE ?", source);
        assertThat(observations).as("the ground truth's potholes in these frames become observations").isPositive();
        assertThat(count("SELECT count(DISTINCT finding_id) FROM observation WHERE source LIKE ?", source)).isPositive();
        assertThat(count("SELECT count(*) FROM live_frame WHERE vehicle = ? AND jpeg IS NOT NULL", vehicle))
                .as("pixels are dropped once processed").isZero();
        // One stream session: one drive, named by vehicle and session start, counting every frame.
        String ref = LiveInbox.driveRef(vehicle, frames.get(0).tag().time());
        assertThat(jdbc.queryForList("SELECT external_ref FROM drive WHERE vehicle = ?", String.class, vehicle))
                .containsExactly(ref);
        assertThat(count("SELECT frame_count FROM drive WHERE external_ref = ?", ref)).isEqualTo(frames.size());
        // Observations lie ahead of the vehicle, on the road it drove (within the camera's range).
        jdbc.query("SELECT ST_Y(o.geom), ST_X(o.geom), ST_Y(o.vehicle_geom), ST_X(o.vehicle_geom) FROM observation o WHERE source LIKE ?",
                rs -> {
                    double d = Georeferencer.distanceM(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
                    assertThat(d).isBetween(1.0, 40.0);
                }, source);

        // The same frame again, over MQTT and over HTTP: nothing new.
        long processed = ingest.metrics().processedCount();
        double duplicatesBefore = duplicates();
        SampleFrame again = frames.get(2);
        publish(vehicleClient, topic(), again.jpeg(), again.fields());
        HttpResponse<String> http = postHttp(again);
        assertThat(http.statusCode()).isEqualTo(200);
        assertThat(http.body()).contains("\"status\":\"duplicate\"");
        await(Duration.ofSeconds(30), "MQTT duplicate seen", () -> duplicates() >= duplicatesBefore + 2);
        assertThat(count("SELECT count(*) FROM live_frame WHERE vehicle = ?", vehicle)).isEqualTo(frames.size());

        // A new frame over HTTP joins the same session. Once it is processed, anything the
        // repeats could have queued before it would have been processed too: exactly one more.
        SampleFrame viaHttp = LiveFixtures.frames(23).get(0);
        HttpResponse<String> accepted = postHttp(viaHttp);
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).contains(ref);
        await(Duration.ofMinutes(1), "HTTP frame processed", () -> done() == frames.size() + 1);
        assertThat(ingest.metrics().processedCount()).isEqualTo(processed + 1);
        assertThat(count("SELECT count(*) FROM live_frame WHERE vehicle = ?", vehicle)).isEqualTo(frames.size() + 1);
    }

    private double duplicates() {
        return meter("vejsyn.live.frames.duplicate");
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    private double meter(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private HttpResponse<String> postHttp(SampleFrame f) throws Exception {
        Map<String, String> q = new HashMap<>(f.fields());
        q.put("municipality", "461");
        String query = q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/vehicles/" + vehicle + "/frames?" + query))
                .header("Content-Type", "image/jpeg").header("Authorization", TestTokens.vehicle("461", vehicle))
                .POST(HttpRequest.BodyPublishers.ofByteArray(f.jpeg())).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theVehicleSimulatorReplaysTheSampleDriveOverBothTransports() throws Exception {
        try (VehicleSimulator mqtt = VehicleSimulator.mqtt(LiveFixtures.MQTT_URL, PREFIX, "461", vehicle, "m-",
                TestTokens.vehicle("461", vehicle).substring("Bearer ".length()), s -> { })) {
            VehicleSimulator.Stats st = mqtt.replay(LiveFixtures.IMAGES, 20, 6);
            assertThat(st.accepted.get()).isEqualTo(6);
        }
        try (VehicleSimulator http = VehicleSimulator.http("http://localhost:" + port, "461", vehicle, "h-",
                TestTokens.vehicle("461", vehicle).substring("Bearer ".length()), s -> { })) {
            VehicleSimulator.Stats st = http.replay(LiveFixtures.IMAGES, 20, 6);
            assertThat(st.accepted.get()).isEqualTo(6);
            assertThat(http.replay(LiveFixtures.IMAGES, 50, 6).duplicates.get()).isEqualTo(6);
        }
        await(Duration.ofMinutes(2), "all simulated frames processed", () -> done() == 12);
        assertThat(jdbc.queryForList("SELECT frame_id FROM live_frame WHERE vehicle = ? ORDER BY id", String.class, vehicle))
                .contains("m-drive-0001", "h-drive-0006");
    }

    @Test
    void poisonMessagesAreDeadLetteredWithTheirReasonAndConsumptionContinues() throws Exception {
        // Dead letters are read with the service's account, as an operator would.
        Mqtt5BlockingClient watcher = dk.vejsyn.api.TestBroker.serviceClient(LiveFixtures.uniqueId("watcher"));
        try (Mqtt5BlockingClient.Mqtt5Publishes deadLetters = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter(PREFIX + "/dead-letter/#").qos(MqttQos.AT_LEAST_ONCE).send();
            SampleFrame good = LiveFixtures.frames(31).get(0);
            byte[] garbage = new byte[5000];
            new Random(6).nextBytes(garbage);
            byte[] truncated = Arrays.copyOf(good.jpeg(), good.jpeg().length / 2);
            Map<String, String> lat95 = new HashMap<>(good.fields());
            lat95.put(FrameFields.LAT, "95");
            lat95.put(FrameFields.FRAME_ID, "lat95");
            Map<String, String> noGeotag = Map.of(FrameFields.FRAME_ID, "no-geotag");
            Map<String, String> garbageFields = new HashMap<>(good.fields());
            garbageFields.put(FrameFields.FRAME_ID, "garbage");
            Map<String, String> truncatedFields = new HashMap<>(good.fields());
            truncatedFields.put(FrameFields.FRAME_ID, "truncated");

            publish(vehicleClient, topic(), garbage, garbageFields);
            publish(vehicleClient, topic(), truncated, truncatedFields);
            publish(vehicleClient, topic(), good.jpeg(), lat95);
            publish(vehicleClient, topic(), good.jpeg(), noGeotag);
            publish(vehicleClient, topic(), good.jpeg(), good.fields());

            Map<String, String> reasons = new HashMap<>();
            // (A topic with a malformed id is dead-lettered as invalid-id too, but no vehicle account
            // may publish to one: the broker refuses it, BrokerAuthTest.)
            for (int i = 0; i < 4; i++) {
                Mqtt5Publish p = deadLetters.receive(30, TimeUnit.SECONDS).orElseThrow(
                        () -> new AssertionError("expected 4 dead letters, got " + reasons));
                Map<String, String> props = new HashMap<>();
                p.getUserProperties().asList().forEach(u -> props.putIfAbsent(u.getName().toString(), u.getValue().toString()));
                reasons.put(props.getOrDefault(FrameFields.FRAME_ID, "?") + "@" + p.getTopic(), props.get("reason"));
            }
            String dl = PREFIX + "/dead-letter/461/" + vehicle + "/rejected";
            assertThat(reasons).containsEntry("garbage@" + dl, "corrupt-jpeg")
                    .containsEntry("truncated@" + dl, "corrupt-jpeg")
                    .containsEntry("lat95@" + dl, "impossible-geotag")
                    .containsEntry("no-geotag@" + dl, "missing-geotag");

            await(Duration.ofMinutes(1), "the good frame after the poison processed", () -> done() == 1);
            assertThat(count("SELECT count(*) FROM live_frame WHERE vehicle = ?", vehicle)).isEqualTo(1);
            assertThat(ingest.metrics().rejectedCount(RejectReason.CORRUPT_JPEG)).isGreaterThanOrEqualTo(2);
            assertThat(ingest.metrics().rejectedCount(RejectReason.IMPOSSIBLE_GEOTAG)).isGreaterThanOrEqualTo(1);
            assertThat(ingest.metrics().rejectedCount(RejectReason.MISSING_GEOTAG)).isGreaterThanOrEqualTo(1);
        } finally {
            watcher.disconnect();
        }
    }
}
