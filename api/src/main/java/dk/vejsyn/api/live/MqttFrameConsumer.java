package dk.vejsyn.api.live;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Consumes live frames from MQTT 5 through the shared subscription
 * {@code $share/{group}/{prefix}/+/+/frames}, so that the instances of one group split the
 * stream.
 *
 * <p>A message is a JPEG payload with the geotag and frame id as MQTT 5 user properties (see
 * {@link FrameFields}). It is acknowledged (PUBACK) only when its frame is in the durable inbox,
 * or when it was a duplicate, or when it was rejected and re-published to the dead-letter topic
 * {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected} with user properties
 * {@code reason} and {@code detail}. Messages are handled one at a time on one thread; while
 * the in-memory queue is full the thread waits and acknowledges nothing, so the broker stops
 * sending after {@code receive-maximum} unacknowledged messages: consumption slows to the
 * workers' pace. The session is persistent ({@code cleanStart=false}) and the client id stable,
 * so messages not yet acknowledged when the service stops are delivered again when it returns.
 * With {@code vejsyn.live.mqtt-username} set it signs in with the service's own account
 * ({@link dk.vejsyn.api.security.MqttAccounts} gives it what it needs and no more).
 */
public final class MqttFrameConsumer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MqttFrameConsumer.class);
    /** Dead-lettered messages are for inspection, not archives: the broker drops them after a day. */
    private static final long DEAD_LETTER_EXPIRY_S = 24 * 3600;

    private final LiveIngest ingest;
    private final LiveProperties props;
    private volatile boolean running;
    private volatile boolean subscribed;
    private Mqtt5AsyncClient client;
    private ExecutorService executor;

    public MqttFrameConsumer(LiveIngest ingest) {
        this.ingest = ingest;
        this.props = ingest.properties();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        URI uri = URI.create(props.brokerUrl());
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vejsyn-live-mqtt");
            t.setDaemon(true);
            return t;
        });
        var builder = Mqtt5Client.builder()
                .identifier(props.clientId())
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
                        log.warn("MQTT broker {} disconnected: {}", props.brokerUrl(), ctx.getCause().toString());
                    }
                })
                .buildAsync();
        // Registered before connecting: a resumed session may deliver at once.
        client.publishes(MqttGlobalPublishFilter.ALL, this::onMessage, executor, true);
        client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(props.sessionExpiry().toSeconds())
                .restrictions().receiveMaximum(props.receiveMaximum()).applyRestrictions()
                .send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.warn("MQTT broker {} not reachable yet ({}); retrying", props.brokerUrl(), e.toString());
                    }
                });
    }

    private void subscribe() {
        client.subscribeWith().topicFilter(props.subscription()).qos(MqttQos.AT_LEAST_ONCE).send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.error("MQTT subscription {} failed", props.subscription(), e);
                    } else {
                        subscribed = true;
                        log.info("consuming live frames from {} on {} as {}", props.subscription(), props.brokerUrl(),
                                props.clientId());
                    }
                });
    }

    /** One message, on the consumer thread. Never throws: a bad message must not stop consumption. */
    void onMessage(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String municipality = null;
        String vehicle = null;
        boolean counted = false;
        try {
            String[] parts = topicParts(topic);
            if (parts == null) {
                throw new FrameRejectedException(RejectReason.MALFORMED_TOPIC,
                        "topic is not " + props.topicPrefix() + "/{municipality}/{vehicle}/frames: " + topic);
            }
            municipality = parts[0];
            vehicle = parts[1];
            byte[] payload = p.getPayloadAsBytes();
            if (payload.length > props.maxFrameSize().toBytes()) {
                throw new FrameRejectedException(RejectReason.FRAME_TOO_LARGE,
                        "frame of " + payload.length + " bytes exceeds " + props.maxFrameSize());
            }
            Map<String, String> fields = userProperties(p.getUserProperties());
            FrameMessage m = FrameFields.parse(municipality, vehicle, fields::get, payload, Transport.MQTT,
                    props.maxClockSkew(), props.inboxRetention(), ingest.clock());
            counted = true;
            acceptDurably(m);
            p.acknowledge();
        } catch (FrameRejectedException e) {
            if (!counted) {
                ingest.countReceived(Transport.MQTT);
                ingest.reject(Transport.MQTT, e);
            }
            deadLetter(p, municipality, vehicle, e.reason(), e.getMessage());
        } catch (LiveBusyException e) {
            log.info("live ingest stopping; frame on {} left to the broker", topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("unexpected failure on a frame from {}", topic, e);
            ingest.reject(Transport.MQTT, new FrameRejectedException(RejectReason.PROCESSING_FAILED, e.toString()));
            deadLetter(p, municipality, vehicle, RejectReason.PROCESSING_FAILED, e.toString());
        }
    }

    /** Until the inbox has the frame (or knows it): the database may be away for a while. */
    private void acceptDurably(FrameMessage m) throws InterruptedException {
        long backoffMs = 500;
        while (true) {
            try {
                ingest.accept(m, true);
                return;
            } catch (DataAccessException | TransactionException e) {
                if (!running) {
                    throw new LiveBusyException("stopping");
                }
                log.warn("cannot store live frame {} / {} yet ({}); retrying in {} ms", m.vehicle(), m.frameId(),
                        e.toString(), backoffMs);
                Thread.sleep(backoffMs);
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    /** {municipality, vehicle} of {@code {prefix}/{municipality}/{vehicle}/frames}, or null. */
    String[] topicParts(String topic) {
        String prefix = props.topicPrefix() + "/";
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String[] parts = topic.substring(prefix.length()).split("/", -1);
        if (parts.length != 3 || !"frames".equals(parts[2]) || parts[0].isEmpty() || parts[1].isEmpty()) {
            return null;
        }
        return new String[] {parts[0], parts[1]};
    }

    private static Map<String, String> userProperties(Mqtt5UserProperties props) {
        Map<String, String> m = new HashMap<>();
        props.asList().forEach(u -> m.putIfAbsent(u.getName().toString(), u.getValue().toString()));
        return m;
    }

    /**
     * Re-publishes a rejected message, payload and user properties unchanged, with its reason,
     * then acknowledges it. Should even the dead-letter publish fail, the message is still
     * acknowledged: it is invalid, and redelivering it would only block the stream.
     */
    private void deadLetter(Mqtt5Publish p, String municipality, String vehicle, RejectReason reason, String detail) {
        String m = municipality != null && FrameFields.MUNICIPALITY.matcher(municipality).matches() ? municipality : "unknown";
        String v = vehicle != null && FrameFields.VEHICLE.matcher(vehicle).matches() ? vehicle : "unknown";
        Mqtt5UserPropertiesBuilder up = Mqtt5UserProperties.builder()
                .add("reason", reason.slug())
                .add("detail", FrameFields.abbreviate(detail == null ? "" : detail))
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
        log.info("rejected frame on {}: {} ({})", p.getTopic(), reason.slug(), detail);
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

    /** Starts after and stops before {@link LiveIngest}. */
    @Override
    public int getPhase() {
        return 10;
    }
}
