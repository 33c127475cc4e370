package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestBroker;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.MqttAccounts;
import dk.vejsyn.api.security.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 14 over MQTT, against the authenticated Mosquitto {@code bin/services} runs and the real
 * service: no anonymous client, a vehicle token publishes its own vehicle's frames only (not
 * another municipality's, not another vehicle's), a revoked token is refused and cut off, and the
 * service rewrites the broker's accounts when tokens change.
 */
@DirtiesContext
class BrokerAuthTest extends PostgisIntegrationTest {
    /** The account files this service instance writes (its own folder: the broker reads the tests' files, TestBroker). */
    static final Path SERVICE_FILES = tempDir();

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.broker-url", () -> LiveFixtures.MQTT_URL);
        r.add("vejsyn.live.topic-prefix", () -> LiveFixtures.PREFIX);
        r.add("vejsyn.live.share-group", () -> LiveFixtures.uniqueId("auth"));
        r.add("vejsyn.live.client-id", () -> LiveFixtures.uniqueId("vejsyn-auth"));
        r.add("vejsyn.live.session-expiry", () -> "60s");
        r.add("vejsyn.live.broker-files-dir", SERVICE_FILES::toString);
    }

    @Autowired
    MqttFrameConsumer consumer;

    @Autowired
    ApiTokens tokens;

    private int frames(String municipality, String vehicle) {
        return jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE municipality_code = ? AND vehicle = ?",
                Integer.class, municipality, vehicle);
    }

    /** Publishes {@code f} with QoS 1; the PUBACK's error reason, if the broker refused it. */
    private static Optional<Mqtt5PubAckReasonCode> refusal(Mqtt5BlockingClient c, String topic, SampleFrame f) {
        Mqtt5UserPropertiesBuilder b = Mqtt5UserProperties.builder();
        f.fields().forEach(b::add);
        try {
            Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(f.jpeg())
                    .userProperties(b.build()).send();
            return r.getError().map(e -> ((Mqtt5PubAckException) e).getMqttMessage().getReasonCode());
        } catch (Mqtt5PubAckException e) {
            return Optional.of(e.getMqttMessage().getReasonCode());
        }
    }

    @Test
    void anAnonymousClientIsRefused() {
        URI uri = URI.create(LiveFixtures.MQTT_URL);
        Mqtt5BlockingClient anonymous = Mqtt5Client.builder().identifier(LiveFixtures.uniqueId("anonymous"))
                .serverHost(uri.getHost()).serverPort(uri.getPort()).buildBlocking();
        assertThatThrownBy(anonymous::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode())
                        .isIn(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        // Nor does a made-up account get in, with a token's form or without.
        String madeUp = "vjs_abcdefghijklmnop_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
        assertThat(TestBroker.accepts(madeUp)).isFalse();
    }

    @Test
    void aVehicleOf461PublishesItsOwnFramesOnlyNotFor101NorForAnotherVehicle() throws Exception {
        await(Duration.ofSeconds(30), "the service subscribed with its account", consumer::isSubscribed);
        String vehicle = LiveFixtures.uniqueId("truck");
        String other = LiveFixtures.uniqueId("truck");
        SampleFrame f = LiveFixtures.frames(6).get(0);
        Mqtt5BlockingClient c = LiveFixtures.vehicleClient(LiveFixtures.uniqueId("vehicle"), "461", vehicle);
        try {
            // The frames topic of its own id in 101, and another vehicle's in 461: refused by the broker.
            assertThat(refusal(c, LiveFixtures.PREFIX + "/101/" + vehicle + "/frames", f))
                    .contains(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(refusal(c, LiveFixtures.PREFIX + "/461/" + other + "/frames", f))
                    .contains(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            // Nor may it write where the service's rejections go.
            assertThat(refusal(c, LiveFixtures.PREFIX + "/dead-letter/461/" + vehicle + "/rejected", f))
                    .contains(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            // Its own topic: accepted, and the frame goes all the way through.
            assertThat(refusal(c, LiveFixtures.topic(vehicle), f)).isEmpty();
            await(Duration.ofMinutes(2), "its own frame processed", () -> jdbc.queryForObject(
                    "SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class, vehicle) == 1);
        } finally {
            c.disconnect();
        }
        // The refused frames never reached the service: the one frame above is all there is.
        assertThat(frames("101", vehicle)).isZero();
        assertThat(frames("461", other)).isZero();
        assertThat(frames("461", vehicle)).isEqualTo(1);
    }

    @Test
    void aRevokedTokenIsCutOffAndRefused() throws Exception {
        String vehicle = LiveFixtures.uniqueId("truck");
        String name = LiveFixtures.uniqueId("revoked");
        String token = TestTokens.createNamed(name, Role.VEHICLE, "461", vehicle);
        Mqtt5BlockingClient c = TestBroker.vehicleClient(LiveFixtures.uniqueId("vehicle"), token);
        assertThat(refusal(c, LiveFixtures.topic(vehicle), LiveFixtures.frames(7).get(0))).isEmpty();

        TestTokens.revoke(name, token);   // returns once the broker refuses a new connection with it
        assertThat(TestBroker.accepts(token)).isFalse();
        // On the reload the broker also drops the connection it had (the client would reconnect, and be refused).
        await(Duration.ofSeconds(10), "the revoked vehicle's connection dropped",
                () -> c.getState() != MqttClientState.CONNECTED);
    }

    @Test
    void theServiceRewritesTheAccountsWhenItMakesOrRevokesATokenAndLeavesOutExpiredOnes() throws Exception {
        Path passwd = SERVICE_FILES.resolve(MqttAccounts.PASSWORD_FILE);
        Path acl = SERVICE_FILES.resolve(MqttAccounts.ACL_FILE);
        String vehicle = LiveFixtures.uniqueId("truck");
        String name = LiveFixtures.uniqueId("svc");
        String token = tokens.create(new ApiTokens.Request(name, Role.VEHICLE, "101", vehicle, null, "test")).secret();
        String id = ApiTokens.mqttUsername(token);
        assertThat(Files.readString(passwd)).contains(TestBroker.serviceUser() + ":$7$").contains(id + ":$7$");
        assertThat(Files.readString(acl)).contains("user " + id + "\ntopic write " + LiveFixtures.PREFIX + "/101/"
                + vehicle + "/frames\ntopic write " + LiveFixtures.PREFIX + "/101/" + vehicle + "/observations\n"
                + "topic write " + LiveFixtures.PREFIX + "/101/" + vehicle + "/heartbeat\n");
        assertThat(Files.getPosixFilePermissions(passwd)).hasSize(2);  // rw------- : hashes are for the broker only

        // A planner token is no broker account.
        String planner = tokens.create(new ApiTokens.Request(LiveFixtures.uniqueId("p"), Role.PLANNER, "101", null, null,
                "test")).secret();
        assertThat(Files.readString(passwd)).doesNotContain(ApiTokens.mqttUsername(planner));

        assertThat(tokens.revoke(name, null)).isTrue();
        assertThat(Files.readString(passwd)).doesNotContain(id);
        assertThat(Files.readString(acl)).doesNotContain(id);

        // Expiry has no event: the next rewrite (the service's periodic one, or any) leaves the token out.
        String expiring = LiveFixtures.uniqueId("exp");
        String expId = ApiTokens.mqttUsername(tokens.create(new ApiTokens.Request(expiring, Role.VEHICLE, "101",
                LiveFixtures.uniqueId("truck"), Duration.ofDays(1), "test")).secret());
        assertThat(Files.readString(passwd)).contains(expId);
        jdbc.update("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE name = ?", expiring);
        assertThat(TestBroker.accounts().render().passwords()).doesNotContain(expId);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("vejsyn-broker-files");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
