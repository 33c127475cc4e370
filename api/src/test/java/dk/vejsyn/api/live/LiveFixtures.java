package dk.vejsyn.api.live;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import dk.vejsyn.api.TestBroker;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.frame.ImageFolderSource;
import dk.vejsyn.inference.frame.SourceOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/** Frames of the bundled sample drive, an MQTT test client, and waiting. */
final class LiveFixtures {
    /** The tests' broker ({@link TestBroker#URL}). */
    static final String MQTT_URL = TestBroker.URL;
    /** The topic prefix of the live tests ({@link TestBroker#PREFIX}: the broker's ACLs are written for it). */
    static final String PREFIX = TestBroker.PREFIX;
    static final Path IMAGES = Path.of(System.getProperty("vejsyn.repo.root", ".."))
            .resolve("sample-images/odense-drive/images");

    /** One image of the sample drive: its JPEG bytes and the geotag its EXIF (plus movement) gives. */
    record SampleFrame(String name, byte[] jpeg, GeoTag tag) {
        String frameId() {
            return name.replace(".jpg", "");
        }

        /** The wire fields the vehicle simulator would send with this frame. */
        Map<String, String> fields() {
            return VehicleSimulator.fields(frameId(), tag);
        }
    }

    private static List<SampleFrame> all;

    private LiveFixtures() {}

    /** All images of the sample drive in time order (read once), re-timed to start 5 minutes ago. */
    static synchronized List<SampleFrame> sampleDrive() {
        if (all == null) {
            List<SampleFrame> out = new ArrayList<>();
            try (FrameSource src = new ImageFolderSource(IMAGES, SourceOptions.defaults())) {
                for (Optional<GeoFrame> f; (f = src.next()).isPresent(); ) {
                    try (GeoFrame gf = f.get()) {
                        Path file = Path.of(gf.frame().source());
                        out.add(new SampleFrame(file.getFileName().toString(), Files.readAllBytes(file), gf.tag()));
                    }
                }
                // As if driven a few minutes ago, as a live unit sends what it just filmed: the inbox
                // refuses frames older than its retention.
                java.time.Duration shift = java.time.Duration.between(out.get(0).tag().time(),
                        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(300));
                for (int i = 0; i < out.size(); i++) {
                    SampleFrame f = out.get(i);
                    out.set(i, new SampleFrame(f.name(), f.jpeg(), f.tag().withTime(f.tag().time().plus(shift))));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            all = List.copyOf(out);
        }
        return all;
    }

    /** The sample-drive images with these numbers ({@code drive-0006.jpg} is 6). */
    static List<SampleFrame> frames(int... numbers) {
        List<SampleFrame> out = new ArrayList<>();
        for (int n : numbers) {
            String name = String.format("drive-%04d.jpg", n);
            out.add(sampleDrive().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow());
        }
        return out;
    }

    /**
     * An HTTP frame upload of {@code f} for {@code vehicle} in municipality 461, as the vehicle
     * simulator sends it, under another frame id and capture time.
     */
    static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder httpFrame(String vehicle,
            SampleFrame f, String frameId, java.time.Instant time) {
        var b = org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .post("/api/v1/vehicles/{id}/frames", vehicle)
                .contentType(org.springframework.http.MediaType.IMAGE_JPEG).content(f.jpeg()).param("municipality", "461");
        Map<String, String> fields = new java.util.HashMap<>(f.fields());
        fields.put(FrameFields.FRAME_ID, frameId);
        fields.put(FrameFields.TIME, time.toString());
        fields.forEach((k, v) -> b.param(k, v));
        return b;
    }

    static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A client of {@code vehicle} of {@code municipality}, signed in with its vehicle token (made if need be). */
    static Mqtt5BlockingClient vehicleClient(String id, String municipality, String vehicle) {
        return TestBroker.vehicleClient(id, TestTokens.vehicle(municipality, vehicle).substring("Bearer ".length()));
    }

    /**
     * A connected client of {@code vehicle} of 461, signed in with its vehicle token, with the
     * server and executors of {@code template} (a benchmark's configured, unconnected client).
     */
    static Mqtt5AsyncClient asVehicle(Mqtt5AsyncClient template, String vehicle) {
        var config = template.getConfig();
        String token = TestTokens.vehicle("461", vehicle).substring("Bearer ".length());
        Mqtt5AsyncClient c = com.hivemq.client.mqtt.mqtt5.Mqtt5Client.builder().identifier(uniqueId("bench-" + vehicle))
                .serverAddress(config.getServerAddress()).executorConfig(config.getExecutorConfig())
                .simpleAuth().username(dk.vejsyn.api.security.ApiTokens.mqttUsername(token))
                .password(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)).applySimpleAuth()
                .buildAsync();
        c.connect().join();
        return c;
    }

    /** {@code vehicle}'s frames topic in 461 under the tests' prefix. */
    static String topic(String vehicle) {
        return PREFIX + "/461/" + vehicle + "/frames";
    }

    static void publish(Mqtt5BlockingClient c, String topic, byte[] payload, Map<String, String> props) {
        Mqtt5UserPropertiesBuilder b = Mqtt5UserProperties.builder();
        props.forEach(b::add);
        Mqtt5PublishResult r = c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload)
                .userProperties(b.build()).send();
        // The broker refuses a topic the account may not write with a PUBACK reason, not an exception.
        r.getError().ifPresent(e -> {
            throw new AssertionError("publish to " + topic + " refused: " + e, e);
        });
    }

    /**
     * Publishes {@code frames} in a loop at {@code fps} to {@code topic}, QoS 1, frame ids
     * {@code idPrefix-i}, while {@code more} accepts the next index; at most 256 unacknowledged
     * at a time, all acknowledged on return (the benchmarks' paced vehicle).
     */
    static void publishPaced(Mqtt5AsyncClient pub, String topic, List<SampleFrame> frames, String idPrefix, double fps,
            IntPredicate more) throws InterruptedException {
        long interval = (long) (1e9 / fps);
        long next = System.nanoTime();
        Semaphore inFlight = new Semaphore(256);
        for (int i = 0; more.test(i); i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            next += interval;
            SampleFrame f = frames.get(i % frames.size());
            Mqtt5UserPropertiesBuilder b = Mqtt5UserProperties.builder();
            Map<String, String> fields = new java.util.HashMap<>(f.fields());
            fields.put(dk.vejsyn.api.live.FrameFields.FRAME_ID, idPrefix + "-" + i);
            fields.forEach(b::add);
            inFlight.acquire();
            pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(f.jpeg()).userProperties(b.build()).send().whenComplete((r, e) -> inFlight.release());
        }
        inFlight.acquire(256);
        inFlight.release(256);
    }

    /** {@code /proc/loadavg}, for benchmark reports; "?" where there is none. */
    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
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
