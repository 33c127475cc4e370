package dk.vejsyn.api.fleet;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dk.vejsyn.api.fleet.HeartbeatRejectedException.Reason;
import dk.vejsyn.api.live.FrameFields;
import dk.vejsyn.api.live.LiveProperties;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Consumes heartbeats from MQTT 5 through the shared subscription
 * {@code $share/{group}/{prefix}/+/+/heartbeat}, beside the frame consumer and on the same broker,
 * account, prefix and share group ({@code vejsyn.live.*}); the topic names the vehicle, and the
 * broker's ACL lets a vehicle publish only under its own ({@link dk.vejsyn.api.security.MqttAccounts}).
 *
 * <p>Connection handling is the frame consumer's ({@code MqttFrameConsumer}): the service's account,
 * automatic reconnect with back-off, a persistent session ({@code cleanStart=false}) under a stable
 * client id — here the frame consumer's id + {@code -fleet}, so the two sessions stay apart — and
 * manual acknowledgement: a heartbeat is acknowledged once it is stored, or once it was rejected and
 * re-published to {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected} with user
 * properties {@code reason}, {@code detail} and {@code topic}. While the database is away the
 * consumer retries with back-off and acknowledges nothing.
 */
public final class MqttHeartbeatConsumer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MqttHeartbeatConsumer.class);
    private static final long DEAD_LETTER_EXPIRY_S = 24 * 3600;
    static final String TOPIC = "heartbeat";

    private final Heartbeats heartbeats;
    private final LiveProperties props;
    private volatile boolean running;
    private volatile boolean subscribed;
    private Mqtt5AsyncClient client;
    private ExecutorService executor;

    public MqttHeartbeatConsumer(Heartbeats heartbeats, LiveProperties props) {
        this.heartbeats = heartbeats;
        this.props = props;
    }

    /** The shared subscription this instance consumes. */
    String subscription() {
        return "$share/" + props.shareGroup() + "/" + props.topicPrefix() + "/+/+/" + TOPIC;
    }

    String clientId() {
        return props.clientId() + "-fleet";
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        URI uri = URI.create(props.brokerUrl());
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vejsyn-fleet-mqtt");
            t.setDaemon(true);
            return t;
        });
        var builder = Mqtt5Client.builder()
                .identifier(clientId())
                .serverHost(uri.getHost())
                .serverPort(uri.getPort() > 0 ? uri.getPort() : 1883);
        if (props.hasMqttAccount()) {
            builder = builder.simpleAuth().username(props.mqttUsername())
                    .password(props.mqttPassword().getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        client = builder
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS).applyAutomaticReconnect()
                .addConnectedListener(ctx -> subscribe())
                .addDisconnectedListener(ctx -> {
                    if (running) {
                        log.warn("MQTT broker {} disconnected (heartbeats): {}", props.brokerUrl(), ctx.getCause().toString());
                    }
                })
                .buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, this::onMessage, executor, true);
        client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(props.sessionExpiry().toSeconds())
                .send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.warn("MQTT broker {} not reachable yet for heartbeats ({}); retrying", props.brokerUrl(), e.toString());
                    }
                });
    }

    private void subscribe() {
        client.subscribeWith().topicFilter(subscription()).qos(MqttQos.AT_LEAST_ONCE).send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.error("MQTT subscription {} failed", subscription(), e);
                    } else {
                        subscribed = true;
                        log.info("consuming heartbeats from {} on {} as {}", subscription(), props.brokerUrl(), clientId());
                    }
                });
    }

    /** One message, on the consumer thread. Never throws: a bad heartbeat must not stop consumption. */
    void onMessage(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String[] parts = topicParts(topic);
        try {
            if (parts == null) {
                heartbeats.rejected("mqtt", Reason.MALFORMED_TOPIC);
                throw new HeartbeatRejectedException(Reason.MALFORMED_TOPIC,
                        "topic is not " + props.topicPrefix() + "/{municipality}/{vehicle}/" + TOPIC + ": " + topic);
            }
            storeDurably(parts[0], parts[1], p.getPayloadAsBytes());
            p.acknowledge();
        } catch (HeartbeatRejectedException e) {
            deadLetter(p, parts, e.reason(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StoppingException e) {
            log.info("stopping; heartbeat on {} left to the broker", topic);
        } catch (RuntimeException e) {
            log.error("unexpected failure on a heartbeat from {}", topic, e);
            heartbeats.rejected("mqtt", Reason.PROCESSING_FAILED);
            deadLetter(p, parts, Reason.PROCESSING_FAILED, e.toString());
        }
    }

    /** Until the store has it: the database may be away for a while. */
    private void storeDurably(String municipality, String vehicle, byte[] body) throws InterruptedException {
        long backoffMs = 500;
        while (true) {
            try {
                heartbeats.accept(municipality, vehicle, body, "mqtt");
                return;
            } catch (DataAccessException | TransactionException e) {
                if (!running) {
                    throw new StoppingException();
                }
                log.warn("cannot store heartbeat of {} / {} yet ({}); retrying in {} ms", municipality, vehicle,
                        e.toString(), backoffMs);
                Thread.sleep(backoffMs);
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    private static final class StoppingException extends RuntimeException {
        StoppingException() {
            super("stopping", null, false, false);
        }
    }

    /** {municipality, vehicle} of {@code {prefix}/{municipality}/{vehicle}/heartbeat}, or null. */
    String[] topicParts(String topic) {
        String prefix = props.topicPrefix() + "/";
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String[] parts = topic.substring(prefix.length()).split("/", -1);
        if (parts.length != 3 || !TOPIC.equals(parts[2]) || parts[0].isEmpty() || parts[1].isEmpty()) {
            return null;
        }
        return new String[] {parts[0], parts[1]};
    }

    /** Re-publishes a rejected heartbeat with its reason, logs it, then acknowledges it (even if that publish failed). */
    private void deadLetter(Mqtt5Publish p, String[] parts, Reason reason, String detail) {
        String m = parts != null && parts[0].matches("[0-9]{3}") ? parts[0] : "unknown";
        String v = parts != null && FrameFields.isValidVehicle(parts[1]) ? parts[1] : "unknown";
        Mqtt5UserPropertiesBuilder up = Mqtt5UserProperties.builder()
                .add("reason", reason.slug())
                .add("detail", HeartbeatParser.abbreviate(detail == null ? "" : detail))
                .add("topic", p.getTopic().toString());
        p.getUserProperties().asList().forEach(up::add);
        try {
            client.publishWith().topic(props.deadLetterTopic(m, v)).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(p.getPayloadAsBytes()).messageExpiryInterval(DEAD_LETTER_EXPIRY_S)
                    .userProperties(up.build())
                    .send().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("dead-letter publish for {} failed: {}", p.getTopic(), e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("rejected heartbeat on {}: {} ({})", p.getTopic(), reason.slug(), detail);
        p.acknowledge();
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            client.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("MQTT disconnect: {}", e.toString());
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the broker has confirmed the shared subscription. */
    public boolean isSubscribed() {
        return subscribed;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 10;
    }
}
