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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's side of one kind of vehicle topic, {@code {prefix}/{municipality}/{vehicle}/{kind}}
 * ({@code frames}, {@code observations}, {@code heartbeat}): what the consumers of the three kinds
 * share, so that it is written once.
 *
 * <ul>
 *   <li>a shared subscription {@code $share/{group}/{prefix}/+/+/{kind}}, so that the instances of
 *       one group split the stream, re-made on every (re)connect;</li>
 *   <li>the service's broker account, automatic reconnect with back-off, a persistent session
 *       ({@code cleanStart=false}) under a stable client id (the live client id plus a suffix per
 *       kind, so the sessions stay apart), so what was not acknowledged is delivered again;</li>
 *   <li>messages one at a time on one thread of their own, acknowledged by the handler (manual
 *       acknowledgement);</li>
 *   <li>the dead-letter topic {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected} for
 *       messages that are refused, with user properties {@code reason}, {@code detail} and
 *       {@code topic}.</li>
 * </ul>
 */
public final class VehicleTopicSubscriber {
    private static final Logger log = LoggerFactory.getLogger(VehicleTopicSubscriber.class);
    /** Dead-lettered messages are for inspection, not archives: the broker drops them after a day. */
    private static final long DEAD_LETTER_EXPIRY_S = 24 * 3600;

    private final LiveProperties props;
    private final String kind;
    private final String what;
    private final String clientId;
    private final String threadName;
    private final Consumer<Mqtt5Publish> handler;
    private final int detailChars;
    private volatile boolean running;
    private volatile boolean subscribed;
    private Mqtt5AsyncClient client;
    private ExecutorService executor;

    /**
     * @param kind the last topic level, e.g. {@code frames}
     * @param what what the messages are, for the log ("consuming live frames from …"; scripts and
     *     tests wait for that line)
     * @param clientIdSuffix appended to {@code vejsyn.live.client-id} ("" for the frames)
     * @param handler gets each message on the subscriber's thread and acknowledges it; must not throw
     * @param detailChars a dead letter's {@code detail} is cut after this many characters
     */
    public VehicleTopicSubscriber(LiveProperties props, String kind, String what, String clientIdSuffix,
            String threadName, Consumer<Mqtt5Publish> handler, int detailChars) {
        this.props = props;
        this.kind = kind;
        this.what = what;
        this.clientId = props.clientId() + clientIdSuffix;
        this.threadName = threadName;
        this.handler = handler;
        this.detailChars = detailChars;
    }

    /** The shared subscription this instance consumes. */
    public String subscription() {
        return "$share/" + props.shareGroup() + "/" + props.topicPrefix() + "/+/+/" + kind;
    }

    public String clientId() {
        return clientId;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        URI uri = URI.create(props.brokerUrl());
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        var builder = Mqtt5Client.builder()
                .identifier(clientId)
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
                        log.warn("MQTT broker {} disconnected ({}): {}", props.brokerUrl(), kind, ctx.getCause().toString());
                    }
                })
                .buildAsync();
        // Registered before connecting: a resumed session may deliver at once.
        client.publishes(MqttGlobalPublishFilter.ALL, handler, executor, true);
        client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(props.sessionExpiry().toSeconds())
                .restrictions().receiveMaximum(props.receiveMaximum()).applyRestrictions()
                .send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.warn("MQTT broker {} not reachable yet ({}; {}); retrying", props.brokerUrl(), kind, e.toString());
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
                        log.info("consuming {} from {} on {} as {}", what, subscription(), props.brokerUrl(), clientId);
                    }
                });
    }

    /** {municipality, vehicle} of {@code {prefix}/{municipality}/{vehicle}/{kind}}, or null. */
    public String[] topicParts(String topic) {
        String prefix = props.topicPrefix() + "/";
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String[] parts = topic.substring(prefix.length()).split("/", -1);
        if (parts.length != 3 || !kind.equals(parts[2]) || parts[0].isEmpty() || parts[1].isEmpty()) {
            return null;
        }
        return new String[] {parts[0], parts[1]};
    }

    /** A message's user properties by name (the first of repeated names). */
    public static Map<String, String> userProperties(Mqtt5Publish p) {
        Map<String, String> m = new HashMap<>();
        p.getUserProperties().asList().forEach(u -> m.putIfAbsent(u.getName().toString(), u.getValue().toString()));
        return m;
    }

    /**
     * Re-publishes a refused message, payload and user properties unchanged, with its reason, logs
     * it, then acknowledges it. Should even the dead-letter publish fail, the message is still
     * acknowledged: it is invalid, and redelivering it would only block the stream. A municipality
     * or vehicle that is not a valid id is written {@code unknown} in the dead-letter topic.
     */
    public void deadLetter(Mqtt5Publish p, String municipality, String vehicle, String reason, String detail) {
        String m = municipality != null && FrameFields.MUNICIPALITY.matcher(municipality).matches() ? municipality : "unknown";
        String v = vehicle != null && FrameFields.VEHICLE.matcher(vehicle).matches() ? vehicle : "unknown";
        Mqtt5UserPropertiesBuilder up = Mqtt5UserProperties.builder()
                .add("reason", reason)
                .add("detail", detail == null ? "" : detail.length() <= detailChars ? detail
                        : detail.substring(0, detailChars) + "…")
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
        log.info("rejected {} message on {}: {} ({})", kind, p.getTopic(), reason, detail);
        p.acknowledge();
    }

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

    public boolean isRunning() {
        return running;
    }

    /** Whether the broker has confirmed the shared subscription. */
    public boolean isSubscribed() {
        return subscribed;
    }
}
