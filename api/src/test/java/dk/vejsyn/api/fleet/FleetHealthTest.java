package dk.vejsyn.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestBroker;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.security.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Heartbeats from vehicle units over real HTTP (real tokens) and a real Mosquitto, into PostGIS and
 * out through the fleet list: the latest report per vehicle, a repeat stored once, an older report
 * never replacing a newer one, staleness, bad heartbeats refused (HTTP problems; MQTT dead letters
 * with their reason and a metric, consumption going on), and a vehicle reporting only for itself.
 */
@DirtiesContext
class FleetHealthTest extends PostgisIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.broker-url", () -> TestBroker.URL);
        r.add("vejsyn.live.topic-prefix", () -> TestBroker.PREFIX);
        r.add("vejsyn.live.share-group", () -> "fleet-" + UUID.randomUUID().toString().substring(0, 8));
        r.add("vejsyn.live.client-id", () -> "vejsyn-fleet-it-" + UUID.randomUUID().toString().substring(0, 8));
        r.add("vejsyn.live.session-expiry", () -> "60s");
        r.add("vejsyn.live.workers", () -> "1");
        r.add("vejsyn.live.mqtt-username", () -> TestBroker.serviceUser() == null ? "" : TestBroker.serviceUser());
        r.add("vejsyn.live.mqtt-password", () -> TestBroker.servicePassword() == null ? "" : TestBroker.servicePassword());
        r.add("vejsyn.fleet.stale-after", () -> "5m");
    }

    @LocalServerPort
    int port;

    @Autowired
    MqttHeartbeatConsumer consumer;

    @Autowired
    MeterRegistry registry;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String heartbeat(Instant time, Double lat, Double lon, String extra) {
        return "{\"time\":\"" + time + "\",\"lat\":" + lat + ",\"lon\":" + lon
                + ",\"agent_version\":\"0.1.0\",\"mode\":\"stream\",\"outbox_items\":12,\"outbox_bytes\":345678,"
                + "\"dropped_items\":0,\"last_error\":null" + extra + "}";
    }

    HttpResponse<String> call(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.header("Authorization", authorization);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String vehicle, String municipality, String body) throws Exception {
        return call("POST", "/api/v1/vehicles/" + vehicle + "/heartbeat?municipality=" + municipality, body,
                TestTokens.vehicle(municipality, vehicle));
    }

    JsonNode fleet(String path, String authorization) throws Exception {
        HttpResponse<String> r = call("GET", path, null, authorization);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static JsonNode vehicle(JsonNode fleet, String vehicle) {
        for (JsonNode v : fleet.get("vehicles")) {
            if (v.get("vehicle").asText().equals(vehicle)) {
                return v;
            }
        }
        return null;
    }

    int history(String vehicle) {
        return jdbc.queryForObject("SELECT count(*) FROM vehicle_heartbeat WHERE vehicle = ?", Integer.class, vehicle);
    }

    @Test
    void aHeartbeatOverHttpIsListedForItsMunicipalitysAdminsAndTheOperatorOnly() throws Exception {
        String truck = unique("truck");
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> r = post(truck, "461", heartbeat(t, 55.3931, 10.3952, ",\"future_field\":1"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);

        JsonNode v = vehicle(fleet("/api/v1/municipalities/461/vehicles", TestTokens.bearer(Role.ADMIN, "461")), truck);
        assertThat(v).isNotNull();
        assertThat(v.get("municipality").asText()).isEqualTo("461");
        assertThat(v.get("sentAt").asText()).isEqualTo(t.toString());
        assertThat(Instant.parse(v.get("lastSeen").asText())).isAfter(t.minusSeconds(5));
        assertThat(v.get("stale").asBoolean()).isFalse();
        assertThat(v.at("/position/lat").asDouble()).isEqualTo(55.3931);
        assertThat(v.at("/position/lon").asDouble()).isEqualTo(10.3952);
        assertThat(v.get("agentVersion").asText()).isEqualTo("0.1.0");
        assertThat(v.get("mode").asText()).isEqualTo("stream");
        assertThat(v.at("/outbox/items").asLong()).isEqualTo(12);
        assertThat(v.at("/outbox/bytes").asLong()).isEqualTo(345678);
        assertThat(v.at("/outbox/dropped").asLong()).isZero();
        assertThat(v.path("lastError").isNull() || v.path("lastError").isMissingNode()).as("lastError absent").isTrue();
        assertThat(v.get("transport").asText()).isEqualTo("http");

        assertThat(vehicle(fleet("/api/v1/vehicles", TestTokens.operator()), truck)).isNotNull();
        assertThat(vehicle(fleet("/api/v1/municipalities/101/vehicles", TestTokens.bearer(Role.ADMIN, "101")), truck))
                .as("another municipality's fleet").isNull();
        JsonNode h = fleet("/api/v1/municipalities/461/vehicles/" + truck + "/heartbeats", TestTokens.bearer(Role.ADMIN, "461"));
        assertThat(h.get("heartbeats")).hasSize(1);
    }

    @Test
    void aRepeatIsStoredOnceAndAnOlderReportNeverReplacesANewerOne() throws Exception {
        String truck = unique("truck");
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        assertThat(post(truck, "461", heartbeat(t, 55.40, 10.40, "")).statusCode()).isEqualTo(204);
        assertThat(post(truck, "461", heartbeat(t, 55.40, 10.40, "")).statusCode()).isEqualTo(204);
        assertThat(history(truck)).isEqualTo(1);
        // From the agent's outbox, late: history only.
        String older = "{\"time\":\"" + t.minusSeconds(600) + "\",\"lat\":null,\"lon\":null,\"last_error\":\"no link\"}";
        assertThat(post(truck, "461", older).statusCode()).isEqualTo(204);
        assertThat(history(truck)).isEqualTo(2);
        JsonNode v = vehicle(fleet("/api/v1/municipalities/461/vehicles", TestTokens.bearer(Role.ADMIN, "461")), truck);
        assertThat(v.get("sentAt").asText()).isEqualTo(t.toString());
        assertThat(v.at("/position/lat").asDouble()).isEqualTo(55.40);
        assertThat(v.path("lastError").isNull() || v.path("lastError").isMissingNode()).as("lastError absent").isTrue();
        // A newer one without a fix: no position now, and its error.
        String newer = "{\"time\":\"" + t.plusSeconds(30) + "\",\"lat\":null,\"lon\":null,\"last_error\":\"gps: no fix\"}";
        assertThat(post(truck, "461", newer).statusCode()).isEqualTo(204);
        v = vehicle(fleet("/api/v1/municipalities/461/vehicles", TestTokens.bearer(Role.ADMIN, "461")), truck);
        assertThat(v.path("position").isNull() || v.path("position").isMissingNode()).as("position absent").isTrue();
        assertThat(v.get("lastError").asText()).isEqualTo("gps: no fix");
    }

    @Test
    void aVehicleNotHeardFromForTheSettingIsStaleAndOneThatNeverReportedIsListed() throws Exception {
        String quiet = unique("truck");
        assertThat(post(quiet, "461", heartbeat(Instant.now().minusSeconds(900), 55.41, 10.41, "")).statusCode()).isEqualTo(204);
        jdbc.update("UPDATE vehicle_status SET last_seen = now() - interval '6 minutes' WHERE vehicle = ?", quiet);
        String never = unique("truck");
        TestTokens.vehicle("461", never);
        JsonNode fleet = fleet("/api/v1/municipalities/461/vehicles", TestTokens.bearer(Role.ADMIN, "461"));
        assertThat(fleet.get("staleAfterSeconds").asLong()).isEqualTo(300);
        assertThat(vehicle(fleet, quiet).get("stale").asBoolean()).isTrue();
        JsonNode n = vehicle(fleet, never);
        assertThat(n).as("a vehicle with a token that never reported").isNotNull();
        assertThat(n.path("lastSeen").isNull() || n.path("lastSeen").isMissingNode()).as("lastSeen absent").isTrue();
        assertThat(n.get("stale").asBoolean()).isTrue();
    }

    @Test
    void badHeartbeatsOverHttpAreProblemsAndNothingIsStored() throws Exception {
        String truck = unique("truck");
        Instant now = Instant.now();
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("{not json", 400);
        cases.put("[1,2]", 400);
        cases.put("{\"lat\":55.4,\"lon\":10.4}", 400); // no time
        cases.put("{\"time\":\"yesterday\"}", 400);
        cases.put(heartbeat(now, 91.0, 10.4, ""), 422);
        cases.put(heartbeat(now, 55.4, 181.0, ""), 422);
        cases.put(heartbeat(now, 55.4, null, ""), 422);
        cases.put(heartbeat(now.plus(Duration.ofHours(1)), 55.4, 10.4, ""), 422);
        cases.put("{\"time\":\"" + now + "\",\"outbox_items\":-1}", 400);
        cases.put("{\"time\":\"" + now + "\",\"mode\":\"Stream Mode!\"}", 400);
        cases.put("{\"time\":\"" + now + "\",\"x\":\"" + "a".repeat(20_000) + "\"}", 413);
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = post(truck, "461", c.getKey());
            assertThat(r.statusCode()).as(c.getKey().substring(0, Math.min(60, c.getKey().length()))).isEqualTo(c.getValue());
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            JsonNode p = JSON.readTree(r.body());
            assertThat(p.get("type").asText()).startsWith("https://vejsyn.dk/problems/heartbeat-");
            assertThat(p.get("detail").asText()).isNotBlank();
        }
        assertThat(history(truck)).isZero();
        // Only for itself: another vehicle's id, another municipality.
        String body = heartbeat(now, 55.4, 10.4, "");
        HttpResponse<String> other = call("POST", "/api/v1/vehicles/" + unique("other") + "/heartbeat?municipality=461", body,
                TestTokens.vehicle("461", truck));
        assertThat(other.statusCode()).isEqualTo(403);
        HttpResponse<String> elsewhere = call("POST", "/api/v1/vehicles/" + truck + "/heartbeat?municipality=101", body,
                TestTokens.vehicle("461", truck));
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(history(truck)).isZero();
    }

    @Test
    void heartbeatsOverMqttAreStoredAndBadOnesAreDeadLetteredWhileConsumptionGoesOn() throws Exception {
        await(Duration.ofSeconds(30), "heartbeat subscription", consumer::isSubscribed);
        String truck = unique("truck");
        String token = TestTokens.vehicle("461", truck).substring("Bearer ".length());
        String topic = TestBroker.PREFIX + "/461/" + truck + "/heartbeat";
        Mqtt5BlockingClient vehicle = TestBroker.vehicleClient(unique("agent"), token);
        Mqtt5BlockingClient watcher = TestBroker.serviceClient(unique("watcher"));
        try (Mqtt5BlockingClient.Mqtt5Publishes deadLetters = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter(TestBroker.PREFIX + "/dead-letter/461/" + truck + "/#")
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            double rejectedBefore = rejected("impossible-position");
            publish(vehicle, topic, heartbeat(Instant.now(), 95.0, 10.4, ""));
            Mqtt5Publish dl = deadLetters.receive(30, TimeUnit.SECONDS).orElseThrow(
                    () -> new AssertionError("no dead letter for an impossible position"));
            assertThat(dl.getTopic().toString()).isEqualTo(TestBroker.PREFIX + "/dead-letter/461/" + truck + "/rejected");
            Map<String, String> props = new HashMap<>();
            dl.getUserProperties().asList().forEach(u -> props.put(u.getName().toString(), u.getValue().toString()));
            assertThat(props).containsEntry("reason", "impossible-position").containsEntry("topic", topic);
            assertThat(new String(dl.getPayloadAsBytes(), StandardCharsets.UTF_8)).contains("95.0");
            assertThat(rejected("impossible-position")).isEqualTo(rejectedBefore + 1);

            publish(vehicle, topic, "{oops");
            Mqtt5Publish dl2 = deadLetters.receive(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(dl2.getUserProperties().asList()).anyMatch(u -> u.getName().toString().equals("reason")
                    && u.getValue().toString().equals("malformed-json"));
        }
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        publish(vehicle, topic, heartbeat(t, 55.3940, 10.3960, ""));
        await(Duration.ofSeconds(30), "the heartbeat stored", () -> history(truck) == 1);
        JsonNode v = vehicle(fleet("/api/v1/municipalities/461/vehicles", TestTokens.bearer(Role.ADMIN, "461")), truck);
        assertThat(v.get("transport").asText()).isEqualTo("mqtt");
        assertThat(v.get("sentAt").asText()).isEqualTo(t.toString());
        assertThat(v.at("/position/lat").asDouble()).isEqualTo(55.3940);
        // The same heartbeat again (a redelivery): stored once.
        publish(vehicle, topic, heartbeat(t, 55.3940, 10.3960, ""));
        publish(vehicle, topic, heartbeat(t.plusSeconds(30), 55.3941, 10.3961, ""));
        await(Duration.ofSeconds(30), "the next heartbeat stored", () -> history(truck) == 2);
        vehicle.disconnect();
        watcher.disconnect();
    }

    private double rejected(String reason) {
        var c = registry.find("vejsyn.fleet.heartbeats.rejected").tag("transport", "mqtt").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static void publish(Mqtt5BlockingClient c, String topic, String body) {
        var r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(body.getBytes(StandardCharsets.UTF_8)).send();
        r.getError().ifPresent(e -> {
            throw new AssertionError("publish to " + topic + " refused: " + e, e);
        });
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
