package dk.vejsyn.api.edge;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.live.LiveProperties;
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
 * Consumes on-board observations from MQTT 5 through the shared subscription
 * {@code $share/{group}/{prefix}/+/+/observations} (one message per observation: its evidence crop
 * as payload, its fields as user properties), on the broker, account and share group of live frame
 * ingest ({@code vejsyn.live.*}), with its own persistent session (client id {@code {client-id}-obs}).
 *
 * <p>A message is acknowledged only after its observation (or the knowledge that it was stored
 * before) has committed; while the database is away it is retried with back-off and not
 * acknowledged, so the broker keeps it. An invalid one is re-published to the dead-letter topic
 * {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected} with its {@code reason} and then
 * acknowledged: sending it again would not make it valid.
 */
public final class MqttObservationConsumer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MqttObservationConsumer.class);

    private final EdgeObservations observations;
    private final LiveProperties props;
    private volatile boolean running;
    private Mqtt5AsyncClient client;
    private ExecutorService executor;

    public MqttObservationConsumer(EdgeObservations observations, LiveProperties props) {
        this.observations = observations;
        this.props = props;
    }

    String subscription() {
        return "$share/" + props.shareGroup() + "/" + props.topicPrefix() + "/+/+/observations";
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        URI uri = URI.create(props.brokerUrl());
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vejsyn-edge-mqtt");
            t.setDaemon(true);
            return t;
        });
        var builder = Mqtt5Client.builder().identifier(props.clientId() + "-obs")
                .serverHost(uri.getHost()).serverPort(uri.getPort() > 0 ? uri.getPort() : 1883);
        if (props.hasMqttAccount()) {
            builder = builder.simpleAuth().username(props.mqttUsername())
                    .password(props.mqttPassword().getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        client = builder
                .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS).applyAutomaticReconnect()
                .addConnectedListener(ctx -> client.subscribeWith().topicFilter(subscription()).qos(MqttQos.AT_LEAST_ONCE)
                        .send().whenComplete((ack, e) -> {
                            if (e != null) {
                                log.error("MQTT subscription {} failed", subscription(), e);
                            } else {
                                log.info("consuming on-board observations from {}", subscription());
                            }
                        }))
                .buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, this::onMessage, executor, true);
        client.connectWith().cleanStart(false).sessionExpiryInterval(props.sessionExpiry().toSeconds()).send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.warn("MQTT broker {} not reachable yet ({}); retrying", props.brokerUrl(), e.toString());
                    }
                });
    }

    /** One message, on the consumer thread; never throws. */
    void onMessage(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String prefix = props.topicPrefix() + "/";
        String[] parts = topic.startsWith(prefix) ? topic.substring(prefix.length()).split("/", -1) : new String[0];
        if (parts.length != 3 || !"observations".equals(parts[2])) {
            deadLetter(p, "unknown", "unknown", "malformed-topic", topic);
            return;
        }
        Map<String, String> fields = new HashMap<>();
        p.getUserProperties().asList().forEach(u -> fields.putIfAbsent(u.getName().toString(), u.getValue().toString()));
        long backoffMs = 500;
        while (running) {
            try {
                observations.accept(parts[0], parts[1], fields::get, p.getPayloadAsBytes());
                p.acknowledge();
                return;
            } catch (IllegalArgumentException e) {
                deadLetter(p, parts[0], parts[1], "invalid-observation", e.getMessage());
                return;
            } catch (ApiException e) {
                deadLetter(p, parts[0], parts[1], "unknown-municipality", e.getMessage());
                return;
            } catch (DataAccessException | TransactionException e) {
                log.warn("cannot store an observation of {} yet ({}); retrying in {} ms", parts[1], e.toString(), backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMs = Math.min(10_000, backoffMs * 2);
            } catch (RuntimeException e) {
                log.error("unexpected failure on an observation from {}", topic, e);
                deadLetter(p, parts[0], parts[1], "processing-failed", e.toString());
                return;
            }
        }
    }

    private void deadLetter(Mqtt5Publish p, String municipality, String vehicle, String reason, String detail) {
        String m = municipality.matches("[0-9]{3}") ? municipality : "unknown";
        String v = vehicle.matches("[A-Za-z0-9._-]{1,64}") ? vehicle : "unknown";
        var up = Mqtt5UserProperties.builder().add("reason", reason)
                .add("detail", detail == null ? "" : detail.length() > 200 ? detail.substring(0, 200) : detail)
                .add("topic", p.getTopic().toString());
        p.getUserProperties().asList().forEach(up::add);
        try {
            client.publishWith().topic(props.deadLetterTopic(m, v)).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(p.getPayloadAsBytes()).messageExpiryInterval(24 * 3600).userProperties(up.build())
                    .send().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("dead-letter publish for {} failed: {}", p.getTopic(), e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("rejected observation on {}: {} ({})", p.getTopic(), reason, detail);
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
