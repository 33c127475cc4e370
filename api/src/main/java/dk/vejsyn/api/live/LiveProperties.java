package dk.vejsyn.api.live;

import dk.vejsyn.api.config.ConnectionSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Live frame streams from vehicle units ({@code vejsyn.live.*}).
 *
 * @param enabled whether this instance accepts live frames at all (HTTP endpoint, MQTT consumer, workers)
 * @param mqttEnabled whether to consume MQTT (off: HTTP only)
 * @param brokerUrl MQTT 5 broker, {@code tcp://host:port}: {@code VEJSYN_MQTT_URL}, else from
 *     {@code VEJSYN_MQTT_HOST}/{@code VEJSYN_MQTT_PORT} ({@link ConnectionSettings})
 * @param topicPrefix frames arrive on {@code {prefix}/{municipality}/{vehicle}/frames}; rejected
 *     messages go to {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected}
 * @param shareGroup MQTT 5 shared-subscription group: instances in one group split the stream
 * @param clientId MQTT client id; keep it stable per instance (e.g. the pod name) so that frames the
 *     broker delivered but this instance had not yet acknowledged are redelivered after a restart
 *     (empty: {@code vejsyn-} + host name)
 * @param sessionExpiry how long the broker keeps this instance's session (and unacknowledged frames) while it is away
 * @param receiveMaximum most unacknowledged frames the broker may send this instance at once (MQTT 5 flow
 *     control). Default 65535, the protocol's: Mosquitto 2.0.11 was seen to exceed smaller values on
 *     shared subscriptions, and the client then drops the connection (see README, "Live streams")
 * @param queueCapacity frames held in memory by this instance (waiting or being processed); when
 *     full, HTTP answers 503 and the MQTT consumer stops acknowledging
 * @param sessionGap a vehicle's frames further apart than this start a new session (a new Drive)
 * @param lease how long an instance owns an accepted frame; after that another instance takes it over
 * @param recoveryInterval how often to look for frames whose owner's lease ran out
 * @param maxAttempts processing attempts before a frame is given up as failed
 * @param retryAfter what a 503 answer asks the vehicle to wait
 * @param maxFrameSize largest accepted JPEG
 * @param maxClockSkew how far in the future a frame's time may lie
 * @param inboxRetention how long a processed (or given-up) frame's inbox row is kept, counted from
 *     its receipt: the row answers a re-sent frame as a duplicate, then goes, so the inbox does not
 *     grow with every frame ever sent (a vehicle at 10 frames/s adds 36,000 rows an hour). Frames
 *     captured longer ago than this are refused, since their first copy may be gone. At least 1 day
 * @param camera camera profile JSON of the vehicles without their own (empty: the refuse-truck dashcam)
 * @param camerasDir folder of per-vehicle camera profiles, {@code <vehicle>.json} (empty: none), read at start-up
 * @param instanceId names this instance in the inbox ({@code owner}); empty: client id
 * @param mqttUsername the service's own broker account ({@code VEJSYN_MQTT_USERNAME}); empty: connect
 *     without credentials (a broker that allows it)
 * @param mqttPassword its password ({@code VEJSYN_MQTT_PASSWORD})
 * @param brokerFilesDir where the broker's {@code password_file}, {@code acl_file} and {@code pid_file}
 *     are ({@code VEJSYN_MQTT_BROKER_DIR}, set by {@code bin/vejsyn} for the broker {@code bin/services}
 *     runs): when set, this instance writes them from the vehicle tokens
 *     ({@link dk.vejsyn.api.security.MqttAccounts}) at start, after each token it makes or revokes, and
 *     every {@code brokerFilesInterval}; empty: the broker's accounts are managed elsewhere
 * @param brokerFilesInterval how often the broker files are rewritten from the database: picks up
 *     expired tokens and tokens made or revoked by other instances or the command line
 */
@Validated
@ConfigurationProperties("vejsyn.live")
public record LiveProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("true") boolean mqttEnabled,
        @DefaultValue(ConnectionSettings.DEFAULT_MQTT_URL) @NotBlank @Pattern(regexp = ConnectionSettings.MQTT_URL_PATTERN)
        String brokerUrl,
        @DefaultValue("vejsyn/v1") @NotBlank @Pattern(regexp = "[^#+$][^#+]*") String topicPrefix,
        @DefaultValue("vejsyn") @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]+") String shareGroup,
        @DefaultValue("") String clientId,
        @DefaultValue("1h") @NotNull Duration sessionExpiry,
        @DefaultValue("65535") @Min(1) @Max(65535) int receiveMaximum,
        @DefaultValue("16") @Min(1) @Max(10000) int queueCapacity,
        @DefaultValue("10m") @NotNull Duration sessionGap,
        @DefaultValue("2m") @NotNull Duration lease,
        @DefaultValue("10s") @NotNull Duration recoveryInterval,
        @DefaultValue("3") @Min(1) int maxAttempts,
        @DefaultValue("2s") @NotNull Duration retryAfter,
        @DefaultValue("8MB") @NotNull DataSize maxFrameSize,
        @DefaultValue("10m") @NotNull Duration maxClockSkew,
        @DefaultValue("30d") @NotNull Duration inboxRetention,
        @DefaultValue("") String camera,
        @DefaultValue("") String camerasDir,
        @DefaultValue("") String instanceId,
        @DefaultValue("") String mqttUsername,
        @DefaultValue("") String mqttPassword,
        @DefaultValue("") String brokerFilesDir,
        @DefaultValue("30s") @NotNull Duration brokerFilesInterval) {

    public LiveProperties {
        if (clientId == null || clientId.isBlank()) {
            clientId = "vejsyn-" + hostName();
        }
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = clientId + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0 || sessionGap.isNegative() || sessionGap.isZero()) {
            throw new IllegalArgumentException("vejsyn.live.lease must be >= 1s and session-gap positive");
        }
        if (inboxRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("vejsyn.live.inbox-retention must be at least 1d: " + inboxRetention);
        }
        if (!mqttUsername.isBlank() && mqttPassword.isBlank()) {
            throw new IllegalArgumentException("vejsyn.live.mqtt-username is set but vejsyn.live.mqtt-password is not "
                    + "(VEJSYN_MQTT_USERNAME / VEJSYN_MQTT_PASSWORD)");
        }
        if (!brokerFilesDir.isBlank() && mqttUsername.isBlank()) {
            throw new IllegalArgumentException("vejsyn.live.broker-files-dir (VEJSYN_MQTT_BROKER_DIR) needs the service's "
                    + "broker account: vejsyn.live.mqtt-username and -password (VEJSYN_MQTT_USERNAME / VEJSYN_MQTT_PASSWORD)");
        }
        if (brokerFilesInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("vejsyn.live.broker-files-interval must be at least 1s: " + brokerFilesInterval);
        }
        if (topicPrefix.endsWith("/")) {
            topicPrefix = topicPrefix.substring(0, topicPrefix.length() - 1);
        }
    }

    /** Whether the service signs in to the broker (with {@link #mqttUsername()} and {@link #mqttPassword()}). */
    public boolean hasMqttAccount() {
        return !mqttUsername.isBlank();
    }

    /** Without the password: these properties may be logged. */
    @Override
    public String toString() {
        return "LiveProperties[brokerUrl=" + brokerUrl + ", topicPrefix=" + topicPrefix + ", shareGroup=" + shareGroup
                + ", clientId=" + clientId + ", mqttUsername=" + mqttUsername + ", brokerFilesDir=" + brokerFilesDir
                + ", queueCapacity=" + queueCapacity + "]";
    }

    /** The shared subscription this instance consumes. */
    public String subscription() {
        return "$share/" + shareGroup + "/" + topicPrefix + "/+/+/frames";
    }

    public String framesTopic(String municipality, String vehicle) {
        return topicPrefix + "/" + municipality + "/" + vehicle + "/frames";
    }

    public String deadLetterTopic(String municipality, String vehicle) {
        return topicPrefix + "/dead-letter/" + municipality + "/" + vehicle + "/rejected";
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                h = "localhost";
            }
        }
        return h.replaceAll("[^A-Za-z0-9_-]", "-");
    }
}
