package dk.vejsyn.api.live;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.frame.ImageFolderSource;
import dk.vejsyn.inference.frame.SourceOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;

/**
 * Replays geotagged JPEGs as a vehicle unit would: at a fixed frame rate, each frame with its
 * geotag and a frame id (the image's file name without extension, after an optional prefix), over
 * MQTT 5 (QoS 1, user properties) or HTTP (honouring 503 Retry-After by sending the frame again).
 */
public final class VehicleSimulator implements AutoCloseable {

    /** What the run did. */
    public static final class Stats {
        public final AtomicLong sent = new AtomicLong();
        public final AtomicLong accepted = new AtomicLong();
        public final AtomicLong duplicates = new AtomicLong();
        public final AtomicLong rejected = new AtomicLong();
        public final AtomicLong busyRetries = new AtomicLong();
        public final AtomicLong failed = new AtomicLong();

        @Override
        public String toString() {
            return String.format("sent %d frames: %d accepted, %d duplicates, %d rejected, %d failed; %d resends after 503",
                    sent.get(), accepted.get(), duplicates.get(), rejected.get(), failed.get(), busyRetries.get());
        }
    }

    private final String municipality;
    private final String vehicle;
    private final String framePrefix;
    private final Mqtt5AsyncClient mqtt;
    private final String topic;
    private final URI httpBase;
    private final HttpClient http;
    private final String token;
    private final Semaphore inFlight = new Semaphore(64);
    private final Stats stats = new Stats();
    private final Consumer<String> log;

    private VehicleSimulator(String municipality, String vehicle, String framePrefix, Mqtt5AsyncClient mqtt,
            String topic, URI httpBase, String token, Consumer<String> log) {
        this.token = token;
        this.municipality = municipality;
        this.vehicle = vehicle;
        this.framePrefix = framePrefix == null ? "" : framePrefix;
        this.mqtt = mqtt;
        this.topic = topic;
        this.httpBase = httpBase;
        this.http = httpBase == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.log = log;
    }

    /**
     * A vehicle publishing to {@code {topicPrefix}/{municipality}/{vehicle}/frames} on {@code brokerUrl};
     * with a {@code token} (its vehicle token, null for none) it signs in with user name the token's id
     * ({@link ApiTokens#mqttUsername}) and the token as password, as the service's broker expects.
     */
    public static VehicleSimulator mqtt(String brokerUrl, String topicPrefix, String municipality, String vehicle,
            String framePrefix, String token, Consumer<String> log) {
        URI uri = URI.create(brokerUrl);
        var builder = Mqtt5Client.builder().identifier("vejsyn-sim-" + vehicle + "-" + System.nanoTime() % 100000)
                .serverHost(uri.getHost()).serverPort(uri.getPort() > 0 ? uri.getPort() : 1883)
                .automaticReconnectWithDefaultConfig();
        if (token != null) {
            builder = builder.simpleAuth().username(ApiTokens.mqttUsername(token)).password(token.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        Mqtt5AsyncClient c = builder.buildAsync();
        try {
            c.connect().join();
        } catch (java.util.concurrent.CompletionException e) {
            // A refused sign-in is the user's to fix (wrong, revoked or missing token), not a crash.
            if (e.getCause() instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException refused) {
                throw new IllegalArgumentException("MQTT broker " + brokerUrl + " refused vehicle " + vehicle + ": "
                        + refused.getMqttMessage().getReasonCode()
                        + (token == null ? " (no token given: --token or VEJSYN_TOKEN)" : ""));
            }
            throw e;
        }
        return new VehicleSimulator(municipality, vehicle, framePrefix, c,
                topicPrefix + "/" + municipality + "/" + vehicle + "/frames", null, null, log);
    }

    /** A vehicle posting to {@code {baseUrl}/api/v1/vehicles/{vehicle}/frames} with its vehicle {@code token}. */
    public static VehicleSimulator http(String baseUrl, String municipality, String vehicle, String framePrefix,
            String token, Consumer<String> log) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new VehicleSimulator(municipality, vehicle, framePrefix, null, null, URI.create(b), token, log);
    }

    public Stats stats() {
        return stats;
    }

    /**
     * Sends every image of {@code images} (a folder or zip of geotagged JPEGs, in capture order)
     * at {@code framesPerSecond}, at most {@code limit} frames (0: all), re-timed as if the drive
     * started now: a live unit sends what it has just filmed, and the service refuses frames older
     * than its inbox retention.
     */
    public Stats replay(Path images, double framesPerSecond, int limit) throws InterruptedException {
        return replay(images, framesPerSecond, limit, false);
    }

    /** As {@link #replay(Path, double, int)}; {@code recordedTimes} sends the images' own capture times. */
    public Stats replay(Path images, double framesPerSecond, int limit, boolean recordedTimes)
            throws InterruptedException {
        long intervalNs = (long) (1e9 / framesPerSecond);
        java.time.Instant start = java.time.Instant.now();
        java.time.Duration shift = null;
        long next = System.nanoTime();
        int n = 0;
        try (FrameSource src = new ImageFolderSource(images, SourceOptions.defaults())) {
            for (Optional<GeoFrame> f; (f = src.next()).isPresent() && (limit <= 0 || n < limit); n++) {
                byte[] jpeg;
                String name;
                GeoTag tag;
                try (GeoFrame gf = f.get()) {
                    Path file = Path.of(gf.frame().source());
                    name = gf.frame().source().replaceAll("^.*[/!\\\\]", "");
                    jpeg = Files.isRegularFile(file) ? Files.readAllBytes(file) : encode(gf);
                    tag = gf.tag();
                }
                if (!recordedTimes) {
                    shift = shift != null ? shift : java.time.Duration.between(tag.time(), start);
                    tag = tag.withTime(tag.time().plus(shift));
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next = Math.max(next + intervalNs, System.nanoTime());
                send(framePrefix + name.replaceFirst("\\.(?i)jpe?g$", ""), jpeg, tag);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        inFlight.acquire(64);
        inFlight.release(64);
        return stats;
    }

    private static byte[] encode(GeoFrame gf) {
        try (BytePointer buf = new BytePointer()) {
            opencv_imgcodecs.imencode(".jpg", gf.frame().image(), buf);
            byte[] b = new byte[(int) buf.limit()];
            buf.get(b);
            return b;
        }
    }

    /** The wire fields of a frame (see {@link FrameFields}). */
    static Map<String, String> fields(String frameId, GeoTag tag) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(FrameFields.FRAME_ID, frameId);
        f.put(FrameFields.LAT, Double.toString(tag.lat()));
        f.put(FrameFields.LON, Double.toString(tag.lon()));
        f.put(FrameFields.TIME, tag.time().toString());
        if (tag.hasHeading()) {
            f.put(FrameFields.HEADING, Double.toString(tag.headingDeg()));
        }
        if (!Double.isNaN(tag.speedMps())) {
            f.put(FrameFields.SPEED, Double.toString(tag.speedMps()));
        }
        if (!Double.isNaN(tag.accuracyM())) {
            f.put(FrameFields.ACCURACY, Double.toString(tag.accuracyM()));
        }
        return f;
    }

    /** Sends one frame; over MQTT asynchronously (at most 64 unacknowledged by the broker). */
    public void send(String frameId, byte[] jpeg, GeoTag tag) throws InterruptedException {
        Map<String, String> fields = fields(frameId, tag);
        stats.sent.incrementAndGet();
        if (mqtt != null) {
            Mqtt5UserPropertiesBuilder props = Mqtt5UserProperties.builder();
            fields.forEach(props::add);
            inFlight.acquire();
            mqtt.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).contentType("image/jpeg").payload(jpeg)
                    .userProperties(props.build()).send()
                    .whenComplete((r, e) -> {
                        inFlight.release();
                        if (e != null || r.getError().isPresent()) {
                            stats.failed.incrementAndGet();
                            log.accept("frame " + frameId + ": publish failed: " + (e != null ? e : r.getError().get()));
                        } else {
                            stats.accepted.incrementAndGet();
                        }
                    });
            return;
        }
        postHttp(frameId, jpeg, fields);
    }

    private void postHttp(String frameId, byte[] jpeg, Map<String, String> fields) throws InterruptedException {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("municipality", municipality);
        q.putAll(fields);
        String query = q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest req = HttpRequest.newBuilder(URI.create(httpBase + "/api/v1/vehicles/"
                        + URLEncoder.encode(vehicle, StandardCharsets.UTF_8) + "/frames?" + query))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "image/jpeg")
                .header("Authorization", "Bearer " + (token == null ? "" : token))
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build();
        long backoffMs = 500;
        for (int attempt = 0; ; attempt++) {
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                int s = r.statusCode();
                if (s == 202) {
                    stats.accepted.incrementAndGet();
                    return;
                }
                if (s == 200) {
                    stats.duplicates.incrementAndGet();
                    return;
                }
                if (s == 503) {
                    stats.busyRetries.incrementAndGet();
                    long seconds = r.headers().firstValueAsLong("Retry-After").orElse(1);
                    TimeUnit.SECONDS.sleep(Math.max(1, seconds));
                    continue;
                }
                stats.rejected.incrementAndGet();
                log.accept("frame " + frameId + ": HTTP " + s + " " + r.body());
                return;
            } catch (IOException e) {
                if (attempt >= 5) {
                    stats.failed.incrementAndGet();
                    log.accept("frame " + frameId + ": " + e);
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(backoffMs);
                backoffMs *= 2;
            }
        }
    }

    @Override
    public void close() {
        if (mqtt != null) {
            try {
                mqtt.disconnect().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
