package dk.vejsyn.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.pipeline.Evidence;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The one configuration file of a vehicle unit ({@code vehicle.json}), validated as a whole when
 * the agent starts: a wrong value names its field and the agent exits with code 2 before it opens
 * the camera. Unknown fields are errors too (a misspelt {@code "outbox"} would otherwise silently
 * give the defaults). Relative paths are relative to the file's folder.
 *
 * @param vehicle the vehicle id, as in its token ({@code [A-Za-z0-9._-]{1,64}})
 * @param municipality three-digit municipality code
 * @param token the vehicle token ({@code vjs_…}); absent: the environment variable {@code VEJSYN_TOKEN}
 * @param mode {@code stream} (send sampled frames, the service detects) or {@code edge} (detect on board,
 *     send observations with their damage-only crops)
 * @param mqttUrl the broker, e.g. {@code tcp://broker:1884}; absent: HTTP only
 * @param serviceUrl the service, e.g. {@code https://vejsyn.example.dk}; used when the broker is unreachable
 *     (or absent)
 * @param topicPrefix MQTT topic prefix (default {@code vejsyn/v1})
 * @param camera where frames come from and what camera it is
 * @param gps where fixes come from
 * @param sampling on-board sampling by distance
 * @param outbox the durable outbox
 * @param detection edge mode's detector (ignored in stream mode)
 * @param heartbeatSeconds seconds between heartbeats (default 30; 0: none)
 */
public record AgentConfig(
        String vehicle,
        String municipality,
        String token,
        Mode mode,
        @JsonProperty("mqtt_url") String mqttUrl,
        @JsonProperty("service_url") String serviceUrl,
        @JsonProperty("topic_prefix") String topicPrefix,
        Camera camera,
        Gps gps,
        Sampling sampling,
        Outbox outbox,
        Detection detection,
        @JsonProperty("heartbeat_seconds") Integer heartbeatSeconds) {

    private static final Pattern VEHICLE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("vjs_[a-z2-7]{16}_[A-Za-z0-9_-]{43}");

    /** What the vehicle sends. */
    public enum Mode {
        @JsonProperty("stream") STREAM,
        @JsonProperty("edge") EDGE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param source an RTSP/HTTP URL, a V4L2 device ({@code /dev/video0}) or a video file
     * @param profile camera profile JSON (height, pitch, focal length; as {@code detect --camera}); absent:
     *     the default refuse-truck dashcam
     * @param fileStart for a video file only: the GPS time of its first frame, an ISO instant, or
     *     {@code first-fix} (default): the file stands in for a camera that starts filming then, and is played at
     *     its real pace on the GPS clock
     * @param jpegQuality stream mode's JPEG quality (default 90)
     */
    public record Camera(String source, String profile, @JsonProperty("file_start") String fileStart,
            @JsonProperty("jpeg_quality") Integer jpegQuality) {}

    /**
     * @param gpsd {@code host:port} of gpsd (default {@code 127.0.0.1:2947}) when {@code serial} is absent
     * @param serial an NMEA serial device ({@code /dev/ttyACM0}), already set to its baud rate ({@code stty})
     */
    public record Gps(String gpsd, String serial) {}

    /**
     * @param distanceM one frame per this many metres (default 4, as batch)
     * @param standstillMps below this speed the vehicle stands still and nothing is sampled (default 0.5)
     */
    public record Sampling(@JsonProperty("distance_m") Double distanceM,
            @JsonProperty("standstill_mps") Double standstillMps) {}

    /**
     * @param dir the outbox folder (default {@code outbox} beside the config)
     * @param maxMb disk budget in MiB (default 1024); beyond it the oldest items are dropped and counted
     * @param maxAge items older than this are dropped and counted (ISO duration, default {@code P7D})
     */
    public record Outbox(String dir, @JsonProperty("max_mb") Double maxMb, @JsonProperty("max_age") String maxAge) {}

    /**
     * @param model the model's metadata file (default: the shipped model, as {@code detect})
     * @param score score threshold (default: the model's)
     * @param iou NMS IoU threshold (default: the model's)
     * @param maxRangeM detections farther from the camera are dropped (default 25)
     * @param evidenceMarginPx context around each box in its crop (default 16)
     */
    public record Detection(String model, Float score, Float iou, @JsonProperty("max_range_m") Double maxRangeM,
            @JsonProperty("evidence_margin_px") Integer evidenceMarginPx) {}

    /** Reads and validates {@code file}. */
    public static AgentConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": no such configuration file");
        }
        AgentConfig c;
        try {
            c = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .readValue(file.toFile(), AgentConfig.class);
        } catch (JsonMappingException e) {
            throw new InputException(file + ": " + e.getOriginalMessage() + " at " + e.getPathReference()
                    .replace("dk.vejsyn.agent.", ""));
        } catch (IOException e) {
            throw new InputException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (c == null) {
            throw new InputException(file + ": empty configuration");
        }
        try {
            return c.validated(file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": " + e.getMessage());
        }
    }

    /** This configuration with defaults filled in and relative paths resolved against {@code base}. */
    AgentConfig validated(Path base) {
        if (vehicle == null || !VEHICLE.matcher(vehicle).matches()) {
            throw new IllegalArgumentException("vehicle: must match [A-Za-z0-9._-]{1,64}, got " + vehicle);
        }
        if (municipality == null || !municipality.matches("[0-9]{3}")) {
            throw new IllegalArgumentException("municipality: a three-digit code, got " + municipality);
        }
        String tok = token != null ? token : System.getenv("VEJSYN_TOKEN");
        if (tok == null || !TOKEN.matcher(tok).matches()) {
            throw new IllegalArgumentException("token: the vehicle token (vjs_…) is missing or malformed; give it in the "
                    + "file or in VEJSYN_TOKEN");
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode: stream or edge");
        }
        if (mqttUrl == null && serviceUrl == null) {
            throw new IllegalArgumentException("mqtt_url or service_url: the agent needs somewhere to send to");
        }
        if (mqttUrl != null) {
            URI u = uri("mqtt_url", mqttUrl);
            if (!"tcp".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("mqtt_url: tcp://host[:port], got " + mqttUrl);
            }
        }
        if (serviceUrl != null) {
            URI u = uri("service_url", serviceUrl);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("service_url: http(s)://host[:port], got " + serviceUrl);
            }
        }
        String prefix = topicPrefix == null ? "vejsyn/v1" : topicPrefix.replaceAll("/+$", "");
        if (prefix.isEmpty() || prefix.contains("+") || prefix.contains("#") || prefix.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("topic_prefix: no wildcards or white space, got " + topicPrefix);
        }
        if (camera == null || camera.source() == null || camera.source().isBlank()) {
            throw new IllegalArgumentException("camera.source: an RTSP/HTTP URL, a V4L2 device or a video file");
        }
        String source = camera.source();
        if (!source.contains("://") && !Files.exists(base.resolve(source))) {
            throw new IllegalArgumentException("camera.source: no such device or file: " + source);
        }
        if (!source.contains("://")) {
            source = base.resolve(source).toString();
        }
        String profile = camera.profile() == null ? null : base.resolve(camera.profile()).toString();
        if (profile != null && !Files.isRegularFile(Path.of(profile))) {
            throw new IllegalArgumentException("camera.profile: no such file: " + camera.profile());
        }
        String fileStart = camera.fileStart() == null ? "first-fix" : camera.fileStart();
        if (!fileStart.equals("first-fix")) {
            try {
                Instant.parse(fileStart);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("camera.file_start: an ISO-8601 instant or first-fix, got " + fileStart);
            }
        }
        int quality = camera.jpegQuality() == null ? 90 : camera.jpegQuality();
        if (quality < 30 || quality > 100) {
            throw new IllegalArgumentException("camera.jpeg_quality: 30–100, got " + quality);
        }
        Gps g = gps == null ? new Gps(null, null) : gps;
        String gpsd = g.serial() != null ? null : g.gpsd() == null ? "127.0.0.1:2947" : g.gpsd();
        if (gpsd != null && !gpsd.matches("[^:\\s]+:[0-9]{1,5}")) {
            throw new IllegalArgumentException("gps.gpsd: host:port, got " + gpsd);
        }
        if (g.serial() != null && !Files.exists(Path.of(g.serial()))) {
            throw new IllegalArgumentException("gps.serial: no such device: " + g.serial());
        }
        Sampling s = sampling == null ? new Sampling(null, null) : sampling;
        double every = s.distanceM() == null ? SourceOptions.DEFAULT_SAMPLE_DISTANCE_M : s.distanceM();
        double still = s.standstillMps() == null ? SourceOptions.DEFAULT_STANDSTILL_SPEED_MPS : s.standstillMps();
        if (!(every >= 0 && every <= 1000) || !(still >= 0 && still <= 10)) {
            throw new IllegalArgumentException("sampling: distance_m in [0, 1000], standstill_mps in [0, 10]");
        }
        Outbox o = outbox == null ? new Outbox(null, null, null) : outbox;
        String dir = base.resolve(o.dir() == null ? "outbox" : o.dir()).toString();
        double mb = o.maxMb() == null ? 1024 : o.maxMb();
        if (!(mb > 0)) {
            throw new IllegalArgumentException("outbox.max_mb: a positive number of MiB, got " + o.maxMb());
        }
        String age = o.maxAge() == null ? "P7D" : o.maxAge();
        try {
            if (Duration.parse(age).isNegative() || Duration.parse(age).isZero()) {
                throw new IllegalArgumentException("outbox.max_age: must be positive, got " + age);
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("outbox.max_age: an ISO-8601 duration such as P7D or PT12H, got " + age);
        }
        Detection d = detection == null ? new Detection(null, null, null, null, null) : detection;
        String model = d.model() == null ? null : base.resolve(d.model()).toString();
        if (model != null && !Files.isRegularFile(Path.of(model))) {
            throw new IllegalArgumentException("detection.model: no such file: " + d.model());
        }
        if ((d.score() != null && !(d.score() >= 0 && d.score() <= 1)) || (d.iou() != null && !(d.iou() >= 0 && d.iou() <= 1))) {
            throw new IllegalArgumentException("detection.score and detection.iou: in [0, 1]");
        }
        double range = d.maxRangeM() == null ? ObservationLocator.DEFAULT_MAX_RANGE_M : d.maxRangeM();
        int margin = d.evidenceMarginPx() == null ? Evidence.DEFAULT_MARGIN_PX : d.evidenceMarginPx();
        if (!(range > 0) || margin < 0) {
            throw new IllegalArgumentException("detection.max_range_m > 0 and detection.evidence_margin_px >= 0");
        }
        int hb = heartbeatSeconds == null ? 30 : heartbeatSeconds;
        if (hb < 0 || hb > 3600) {
            throw new IllegalArgumentException("heartbeat_seconds: 0 (none) to 3600, got " + hb);
        }
        return new AgentConfig(vehicle, municipality, tok, mode, mqttUrl,
                serviceUrl == null ? null : serviceUrl.replaceAll("/+$", ""), prefix,
                new Camera(source, profile, fileStart, quality), new Gps(gpsd, g.serial()), new Sampling(every, still),
                new Outbox(dir, mb, age), new Detection(model, d.score(), d.iou(), range, margin), hb);
    }

    private static URI uri(String field, String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": not a URL: " + value);
        }
    }

    /** The MQTT topic of {@code kind} ({@code frames}, {@code observations}, {@code heartbeat}) of this vehicle. */
    public String topic(String kind) {
        return topicPrefix + "/" + municipality + "/" + vehicle + "/" + kind;
    }

    /** The outbox's disk budget in bytes. */
    public long outboxMaxBytes() {
        return (long) (outbox.maxMb() * 1024 * 1024);
    }

    public Duration outboxMaxAge() {
        return Duration.parse(outbox.maxAge());
    }

    @Override
    public String toString() {
        // Never the token.
        return "AgentConfig[vehicle=" + vehicle + ", municipality=" + municipality + ", mode=" + mode.wireName()
                + ", mqtt=" + mqttUrl + ", service=" + serviceUrl + ", camera=" + camera.source() + ", gps="
                + (gps.serial() != null ? gps.serial() : "gpsd " + gps.gpsd()) + ", every " + sampling.distanceM() + " m]";
    }
}
