package dk.vejsyn.api;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import dk.vejsyn.api.config.ConnectionSettings;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.MqttAccounts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The tests' MQTT broker: the authenticated Mosquitto {@code bin/services} runs, whose accounts
 * the tests write from their own database ({@code bin/test} exports its folder as
 * {@code VEJSYN_TEST_MQTT_BROKER_DIR} and the service's account as {@code VEJSYN_MQTT_USERNAME} /
 * {@code VEJSYN_MQTT_PASSWORD}). Every test of this JVM uses one topic prefix, {@link #PREFIX}, so
 * that the files are the same whoever writes them; tests keep apart by vehicle ids and share groups.
 */
public final class TestBroker {
    private TestBroker() {}

    /** {@code VEJSYN_TEST_MQTT_URL}, else the broker on {@code VEJSYN_MQTT_HOST:VEJSYN_MQTT_PORT} (127.0.0.1:1884). */
    public static final String URL = Optional.ofNullable(System.getenv("VEJSYN_TEST_MQTT_URL"))
            .filter(s -> !s.isBlank()).orElseGet(() -> ConnectionSettings.fromSystemEnvironment().serverMqttUrl());

    /** The topic prefix of every live test in this JVM (a new one per run: other runs' sessions stay apart). */
    public static final String PREFIX = "vejsyn-test-" + UUID.randomUUID().toString().substring(0, 8) + "/v1";

    /** The folder of the broker's account files, or null where the tests do not manage them. */
    public static final Path DIR = Optional.ofNullable(System.getenv("VEJSYN_TEST_MQTT_BROKER_DIR"))
            .filter(s -> !s.isBlank()).map(Path::of).orElse(null);

    /** The service's account: user name and password (null: none). */
    public static String serviceUser() {
        return ConnectionSettings.fromSystemEnvironment().mqttUsername();
    }

    public static String servicePassword() {
        return ConnectionSettings.fromSystemEnvironment().mqttPassword();
    }

    /** The accounts of {@link #DIR} from the tests' database, as the service writes them. */
    public static MqttAccounts accounts() {
        if (DIR == null || serviceUser() == null) {
            throw new IllegalStateException("no broker files to write: run the tests with bin/test "
                    + "(VEJSYN_TEST_MQTT_BROKER_DIR, VEJSYN_MQTT_USERNAME and VEJSYN_MQTT_PASSWORD)");
        }
        return new MqttAccounts(JdbcClient.create(new DriverManagerDataSource(PostgisIntegrationTest.JDBC_URL)), DIR,
                PREFIX, serviceUser(), servicePassword(), Clock.systemUTC());
    }

    /** Rewrites the broker's files from the tests' database (reloading it when they changed); false where there are none. */
    public static synchronized boolean refresh() {
        if (DIR == null) {
            return false;
        }
        accounts().refresh();
        return true;
    }

    /** A connected MQTT 5 client signed in with vehicle {@code token} (as a vehicle unit does). */
    public static Mqtt5BlockingClient vehicleClient(String id, String token) {
        Mqtt5BlockingClient c = builder(id).simpleAuth().username(ApiTokens.mqttUsername(token))
                .password(token.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
        c.connect();
        return c;
    }

    /** A connected MQTT 5 client signed in with the service's account (null user: none). */
    public static Mqtt5BlockingClient serviceClient(String id) {
        var b = builder(id);
        if (serviceUser() != null) {
            b = b.simpleAuth().username(serviceUser()).password(servicePassword().getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        Mqtt5BlockingClient c = b.buildBlocking();
        c.connect();
        return c;
    }

    /** Whether the broker accepts a connection signed in with {@code token} now. */
    public static boolean accepts(String token) {
        try {
            vehicleClient("probe-" + UUID.randomUUID().toString().substring(0, 8), token).disconnect();
            return true;
        } catch (Mqtt5ConnAckException e) {
            return false;
        }
    }

    /**
     * Rewrites the files and waits until the broker has re-read them, seen from outside: until it
     * accepts {@code token} ({@code accepted}) or refuses it. A reload is asynchronous (SIGHUP).
     */
    public static void refreshAndAwait(String token, boolean accepted, Duration timeout) {
        if (!refresh()) {
            return;
        }
        long end = System.nanoTime() + timeout.toNanos();
        while (accepts(token) != accepted) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the broker in " + DIR + " still " + (accepted ? "refuses" : "accepts")
                        + " the token after " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private static com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder builder(String id) {
        URI uri = URI.create(URL);
        return Mqtt5Client.builder().identifier(id).serverHost(uri.getHost())
                .serverPort(uri.getPort() > 0 ? uri.getPort() : 1883);
    }
}
