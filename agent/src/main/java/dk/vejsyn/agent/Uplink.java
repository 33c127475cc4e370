package dk.vejsyn.agent;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vehicle's link to the service: MQTT 5 (QoS 1, fields as user properties, the payload as is)
 * while the broker is connected, else HTTP ({@code POST /api/v1/vehicles/{vehicle}/frames} or
 * {@code …/observations}, fields as query parameters). The same wire format as the service's live
 * ingest and as {@code simulate-vehicle}.
 */
public final class Uplink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Uplink.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(20);

    /** What became of a send. */
    public enum Result {
        /** The service has it (accepted or known already): remove it from the outbox. */
        DELIVERED,
        /** The service will never take it (malformed, rejected): remove it and count it. */
        REJECTED,
        /** Try again later (no link, broker away, timeout, 503, refused sign-in). */
        RETRY
    }

    /** The answer to one send, with how long to wait before the next try (zero: the sender's back-off) and why. */
    public record Answer(Result result, Duration retryAfter, String detail) {
        static Answer delivered() {
            return new Answer(Result.DELIVERED, Duration.ZERO, null);
        }
    }

    private final AgentConfig config;
    private final Mqtt5AsyncClient mqtt;
    private final HttpClient http;
    /** HTTP sends block: threads of their own, not the common pool (one thread on a 2-core unit). */
    private final java.util.concurrent.ExecutorService posting = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "vejsyn-agent-http");
        t.setDaemon(true);
        return t;
    });

    public Uplink(AgentConfig config) {
        this.config = config;
        if (config.mqttUrl() != null) {
            URI uri = URI.create(config.mqttUrl());
            mqtt = Mqtt5Client.builder()
                    .identifier("vejsyn-agent-" + config.vehicle())
                    .serverHost(uri.getHost()).serverPort(uri.getPort() > 0 ? uri.getPort() : 1883)
                    .simpleAuth().username(mqttUsername(config.token()))
                    .password(config.token().getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                    .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
                    .applyAutomaticReconnect()
                    .addConnectedListener(c -> log.info("broker {} connected", config.mqttUrl()))
                    .addDisconnectedListener(c -> log.warn("broker {}: {}", config.mqttUrl(),
                            c.getCause().getMessage()))
                    .buildAsync();
            // The outbox is the agent's persistence: a clean session each time.
            mqtt.connectWith().cleanStart(true).send();
        } else {
            mqtt = null;
        }
        http = config.serviceUrl() == null ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The broker user name of a vehicle token: its id, the 16 characters after {@code vjs_}. */
    static String mqttUsername(String token) {
        return token.substring(4, 20);
    }

    public boolean mqttConnected() {
        return mqtt != null && mqtt.getState().isConnected();
    }

    /** Starts sending an item; the future completes with its answer (never exceptionally). */
    public CompletableFuture<Answer> send(Outbox.Item item) {
        if (mqttConnected()) {
            return publish(item);
        }
        if (http != null) {
            return CompletableFuture.supplyAsync(() -> post(item), posting);
        }
        return CompletableFuture.completedFuture(new Answer(Result.RETRY, Duration.ZERO, "broker not connected"));
    }

    private CompletableFuture<Answer> publish(Outbox.Item item) {
        Mqtt5UserPropertiesBuilder props = Mqtt5UserProperties.builder();
        item.fields().forEach(props::add);
        return mqtt.publishWith().topic(config.topic(item.kind())).qos(MqttQos.AT_LEAST_ONCE)
                .contentType("image/jpeg").payload(item.payload()).userProperties(props.build()).send()
                .orTimeout(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((r, e) -> {
                    if (e != null) {
                        return new Answer(Result.RETRY, Duration.ZERO, "MQTT: " + e);
                    }
                    if (r.getError().isEmpty()) {
                        return Answer.delivered();
                    }
                    Throwable err = r.getError().get();
                    if (!(err instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException refused)) {
                        return new Answer(Result.RETRY, Duration.ZERO, "MQTT: " + err);
                    }
                    Mqtt5PubAckReasonCode code = refused.getMqttMessage().getReasonCode();
                    // A refused topic is the configuration's fault (wrong vehicle or municipality): keep the item.
                    if (code == Mqtt5PubAckReasonCode.NOT_AUTHORIZED || code == Mqtt5PubAckReasonCode.QUOTA_EXCEEDED) {
                        return new Answer(Result.RETRY, Duration.ofSeconds(30), "broker refused " + item.kind() + ": " + code);
                    }
                    return new Answer(Result.REJECTED, Duration.ZERO, "broker refused " + item.id() + ": " + code);
                });
    }

    private Answer post(Outbox.Item item) {
        Map<String, String> q = new java.util.LinkedHashMap<>();
        q.put("municipality", config.municipality());
        q.putAll(item.fields());
        String query = q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(URI.create(config.serviceUrl() + "/api/v1/vehicles/"
                        + URLEncoder.encode(config.vehicle(), StandardCharsets.UTF_8) + "/" + item.kind() + "?" + query))
                .timeout(ACK_TIMEOUT)
                .header("Content-Type", item.kind().equals("frames") ? "image/jpeg" : "application/octet-stream")
                .header("Authorization", "Bearer " + config.token())
                .POST(HttpRequest.BodyPublishers.ofByteArray(item.payload())).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            int s = r.statusCode();
            if (s == 200 || s == 202) {
                return Answer.delivered();
            }
            if (s == 503 || s == 429) {
                long seconds = r.headers().firstValueAsLong("Retry-After").orElse(0);
                return new Answer(Result.RETRY, Duration.ofSeconds(Math.max(1, seconds)), "HTTP " + s + " (busy)");
            }
            if (s == 401 || s == 403 || s == 404 || s >= 500) {
                return new Answer(Result.RETRY, Duration.ofSeconds(s >= 500 ? 0 : 30), "HTTP " + s + " " + abbreviate(r.body()));
            }
            return new Answer(Result.REJECTED, Duration.ZERO, "HTTP " + s + " " + abbreviate(r.body()));
        } catch (IOException e) {
            return new Answer(Result.RETRY, Duration.ZERO, "HTTP: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Result.RETRY, Duration.ZERO, "interrupted");
        }
    }

    /** Publishes a heartbeat (QoS 1) when the broker is connected; false when it is not. */
    public boolean heartbeat(byte[] json) {
        if (!mqttConnected()) {
            return false;
        }
        mqtt.publishWith().topic(config.topic("heartbeat")).qos(MqttQos.AT_LEAST_ONCE)
                .contentType("application/json").payloadFormatIndicator(
                        com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator.UTF_8)
                .payload(json).send();
        return true;
    }

    private static String abbreviate(String s) {
        s = s == null ? "" : s.replaceAll("\\s+", " ");
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    @Override
    public void close() {
        posting.shutdownNow();
        if (mqtt != null) {
            try {
                mqtt.disconnect().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
