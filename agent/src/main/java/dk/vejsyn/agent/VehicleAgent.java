package dk.vejsyn.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.frame.DistanceSampler;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.frame.SkipReason;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationFields;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.pipeline.DetectionService;
import dk.vejsyn.inference.pipeline.DetectionSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-board agent of one vehicle: camera frames are placed on the GPS track by their capture
 * time ({@link Fixes}), sampled by distance with the batch runs' {@link DistanceSampler} (standstill
 * and frames closer than the sampling distance are dropped before anything is encoded), and then
 *
 * <ul>
 *   <li>in {@code stream} mode encoded as JPEG and queued as a live frame (frame id = its capture
 *       time), for the service to detect;</li>
 *   <li>in {@code edge} mode run through the same per-frame step as batch and live ingest
 *       ({@link dk.vejsyn.inference.pipeline.FrameStep}: detect, evidence crop, locate, in a
 *       {@link DetectionService}) on board, and only the observations,
 *       each with its damage-only crop, are queued; full frames never leave the vehicle.</li>
 * </ul>
 *
 * Everything queued goes into the durable {@link Outbox} first, which {@link OutboxSender} empties
 * over {@link Uplink}; a heartbeat reports position, backlog and the last error every
 * {@code heartbeat_seconds}.
 */
public final class VehicleAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VehicleAgent.class);
    /** This agent's version, as the heartbeat reports it. */
    public static final String VERSION = "0.1.0";
    /** A frame waits at most this long for the fixes after it; then it is placed with what there is, or dropped. */
    private static final Duration MAX_FIX_WAIT = Duration.ofSeconds(6);
    /** Frames waiting for fixes at most (about 10 s of 10 fps video): beyond, the oldest are dropped. */
    private static final int MAX_PENDING = 100;

    private final AgentConfig config;
    private final Fixes fixes = new Fixes();
    private final Outbox outbox;
    private final Uplink uplink;
    private final OutboxSender sender;
    private final GpsReceiver gps;
    private final DistanceSampler sampler;
    private final String drive;
    private final Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
    private final ScheduledExecutorService heartbeats;
    private long noFix;
    private long sampled;
    private long queued;
    private long queuedBytes;
    private double metres;
    private GeoTag lastSampledFix;

    public VehicleAgent(AgentConfig config) {
        this.config = config;
        this.outbox = new Outbox(Path.of(config.outbox().dir()), config.outboxMaxBytes(), config.outboxMaxAge(),
                Clock.systemUTC());
        this.uplink = new Uplink(config);
        this.sender = new OutboxSender(outbox, uplink);
        this.gps = config.gps().serial() != null ? new NmeaSerialReceiver(Path.of(config.gps().serial()), fixes)
                : new GpsdClient(config.gps().gpsd(), fixes);
        this.sampler = new DistanceSampler(config.sampling().distanceM(), config.sampling().standstillMps());
        this.drive = "run-" + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vejsyn-agent-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs until the camera ends (a video file) and the outbox is empty, or forever for a live camera.
     */
    public void run() throws InterruptedException {
        log.info("vehicle agent {} starting: {}", VERSION, config);
        gps.start();
        sender.start();
        if (config.heartbeatSeconds() > 0) {
            heartbeats.scheduleAtFixedRate(this::heartbeat, 1, config.heartbeatSeconds(), TimeUnit.SECONDS);
        }
        CameraModel cameraModel = config.camera().profile() != null
                ? CameraModel.fromJson(Path.of(config.camera().profile())) : CameraModel.refuseTruckDashcam();
        Processor processor = config.mode() == AgentConfig.Mode.EDGE ? new EdgeProcessor(cameraModel) : new StreamProcessor();
        try (Camera camera = new Camera(config.camera().source(), config.camera().fileStart(), fixes);
                Processor p = processor) {
            camera.open(Duration.ofMinutes(10));
            ArrayDeque<Pending> pending = new ArrayDeque<>();
            for (Optional<Camera.Captured> c; (c = camera.next()).isPresent(); ) {
                pending.addLast(new Pending(c.get(), System.nanoTime()));
                while (pending.size() > MAX_PENDING) {
                    pending.pollFirst().captured().image().close();
                    noFix++;
                }
                place(pending, p, false);
            }
            // The file ended: the last frames wait for the fixes after them.
            long end = System.nanoTime() + MAX_FIX_WAIT.toNanos();
            while (!pending.isEmpty() && System.nanoTime() < end) {
                place(pending, p, false);
                Thread.sleep(100);
            }
            place(pending, p, true);
            p.finish();
        }
        log.info("camera ended: {}", summary());
        sender.poke();
        while (!sender.drain(Duration.ofSeconds(60))) {
            log.info("waiting for the link to send the outbox ({} items)", outbox.stats().items());
        }
        heartbeat();
        log.info("outbox empty: {} items delivered, {} rejected, {} dropped; {}", sender.delivered(), sender.rejected(),
                outbox.stats().dropped(), summary());
    }

    private record Pending(Camera.Captured captured, long arrivedNanos) {}

    /** Places, samples and processes the waiting frames whose fixes have come (or waited long enough). */
    private void place(ArrayDeque<Pending> pending, Processor p, boolean flush) throws InterruptedException {
        while (!pending.isEmpty()) {
            Pending w = pending.peekFirst();
            Camera.Captured c = w.captured();
            boolean waitedEnough = System.nanoTime() - w.arrivedNanos() > MAX_FIX_WAIT.toNanos();
            if (!fixes.ready(c.time()) && !waitedEnough && !flush) {
                return;
            }
            pending.pollFirst();
            Optional<GeoTag> tag = fixes.at(c.time());
            if (tag.isEmpty()) {
                noFix++;
                c.image().close();
                continue;
            }
            Optional<SkipReason> skip = sampler.decide(tag.get());
            if (skip.isPresent()) {
                skipped.merge(skip.get(), 1L, Long::sum);
                c.image().close();
                continue;
            }
            if (lastSampledFix != null) {
                metres += Georeferencer.distanceM(lastSampledFix.lat(), lastSampledFix.lon(), tag.get().lat(), tag.get().lon());
            }
            lastSampledFix = tag.get();
            sampled++;
            p.accept(c, tag.get());
        }
    }

    /** The frame id of a frame: its capture time, unique per vehicle and the same after a restart. */
    static String frameId(Instant time) {
        return time.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private void queue(String kind, String id, Map<String, String> fields, byte[] payload) {
        if (outbox.add(kind, id, fields, payload)) {
            queued++;
            queuedBytes += payload.length + fields.entrySet().stream()
                    .mapToLong(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                            + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
            log.debug("queued {} {}", kind, id);
        }
        sender.poke();
    }

    private String summary() {
        return String.format("%d frames sampled over %.0f m (skipped: %s, no fix %d); %d items queued, %d bytes "
                        + "(payload + fields), %.0f bytes/km", sampled, metres, skipped, noFix, queued, queuedBytes,
                metres > 0 ? queuedBytes / (metres / 1000) : 0.0);
    }

    /** Publishes the heartbeat (see README, "On the vehicle"). */
    void heartbeat() {
        try {
            uplink.heartbeat(heartbeatJson());
        } catch (RuntimeException e) {
            log.debug("heartbeat: {}", e.toString());
        }
    }

    byte[] heartbeatJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        Optional<GeoTag> fix = fixes.last();
        Outbox.Stats s = outbox.stats();
        n.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (fix.isPresent()) {
            n.put("lat", fix.get().lat());
            n.put("lon", fix.get().lon());
        } else {
            n.putNull("lat");
            n.putNull("lon");
        }
        n.put("agent_version", VERSION);
        n.put("mode", config.mode().wireName());
        n.put("outbox_items", s.items());
        n.put("outbox_bytes", s.bytes());
        n.put("dropped_items", s.dropped());
        String error = sender.lastError() != null ? sender.lastError() : gps.lastError();
        if (error == null) {
            n.putNull("last_error");
        } else {
            n.put("last_error", error);
        }
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What happens to a sampled frame. Owns (and closes) the frame's image. */
    private interface Processor extends AutoCloseable {
        void accept(Camera.Captured c, GeoTag tag) throws InterruptedException;

        /** Waits until every accepted frame is done. */
        default void finish() throws InterruptedException {}

        @Override
        void close();
    }

    /** Stream mode: the frame as JPEG with its geotag, as the service's live ingest takes it. */
    private final class StreamProcessor implements Processor {
        @Override
        public void accept(Camera.Captured c, GeoTag tag) {
            byte[] jpeg;
            try (Mat image = c.image(); BytePointer buf = new BytePointer();
                    IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, config.camera().jpegQuality())) {
                opencv_imgcodecs.imencode(".jpg", image, buf, params);
                jpeg = new byte[(int) buf.limit()];
                buf.get(jpeg);
            }
            String id = frameId(tag.time());
            Map<String, String> f = new LinkedHashMap<>();
            // The fields of the service's FrameFields (api/live), the same as simulate-vehicle sends.
            f.put("frame-id", id);
            f.put("lat", Double.toString(tag.lat()));
            f.put("lon", Double.toString(tag.lon()));
            f.put("time", tag.time().toString());
            if (tag.hasHeading()) {
                f.put("heading", Double.toString(tag.headingDeg()));
            }
            if (!Double.isNaN(tag.speedMps())) {
                f.put("speed", Double.toString(tag.speedMps()));
            }
            if (!Double.isNaN(tag.accuracyM())) {
                f.put("accuracy", Double.toString(tag.accuracyM()));
            }
            queue("frames", id, f, jpeg);
        }

        @Override
        public void close() {}
    }

    /**
     * Edge mode: detection on board in the same {@link DetectionService} as the service's (one
     * worker with one predictor, here on its own thread, so that the camera is read while a frame
     * is detected); a bounded batch lane holds sampled frames meanwhile, and the camera waits for a
     * place when detection falls behind.
     */
    private final class EdgeProcessor implements Processor {
        /** Sampled frames waiting for or in detection. */
        private static final int WAITING_FRAMES = 16;
        private final DjlDetector.DetectorModel model;
        private final ObservationLocator locator;
        private final DetectionService detection;
        private volatile Throwable failure;

        EdgeProcessor(CameraModel camera) {
            AgentConfig.Detection d = config.detection();
            DetectionSettings settings = new DetectionSettings(
                    d.model() != null ? Path.of(d.model()) : ModelSpec.defaultMetadataFile(), d.score(), d.iou(),
                    d.maxRangeM(), config.sampling().distanceM(), d.evidenceMarginPx(), 1);
            this.model = DjlDetector.DetectorModel.load(settings.modelSpec());
            this.locator = settings.locator(camera);
            this.detection = new DetectionService(model, settings.frameStep(), 1, 0, WAITING_FRAMES, "agent");
            log.info("edge mode: model {} loaded; only observations with their damage crops leave the vehicle",
                    settings.model());
        }

        @Override
        public void accept(Camera.Captured c, GeoTag tag) throws InterruptedException {
            failIfFailed();
            DetectionService.Slot slot;
            while ((slot = detection.reserve(DetectionService.Lane.BATCH, Duration.ofMillis(200))) == null) {
                failIfFailed();
            }
            String frameId = frameId(tag.time());
            Frame frame = new Frame(c.index(), config.camera().source(), tag.time(), c.image());
            slot.submit(new DetectionService.FrameTask(frame, tag, "edge/" + config.vehicle() + "/" + frameId, c.index(),
                    locator), () -> failure == null, r -> {
                        List<Observation> found = r.outcome().observations();
                        for (int i = 0; i < found.size(); i++) {
                            Observation o = found.get(i);
                            String id = frameId + "-" + i;
                            queue("observations", id, ObservationFields.of(id, frameId, drive, o),
                                    o.evidenceJpeg() == null ? new byte[0] : o.evidenceJpeg());
                        }
                        return null;
                    })
                    .whenComplete((v, e) -> {
                        if (e != null && !(e instanceof java.util.concurrent.CancellationException) && failure == null) {
                            failure = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                    ? e.getCause() : e;
                            log.error("on-board detection failed", failure);
                        }
                    });
        }

        private void failIfFailed() {
            Throwable f = failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        }

        @Override
        public void finish() throws InterruptedException {
            // Every sampled frame detected and its observations in the outbox before the drive ends.
            while (!detection.awaitIdle(DetectionService.Lane.BATCH, Duration.ofSeconds(1))) {
                failIfFailed();
            }
            failIfFailed();
        }

        @Override
        public void close() {
            detection.close();
            model.close();
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        sender.close();
        gps.close();
        uplink.close();
        outbox.close();
    }
}
