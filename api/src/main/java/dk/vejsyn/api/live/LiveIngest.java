package dk.vejsyn.api.live;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.drive.DriveRepository;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.finding.IngestResult;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.pipeline.DetectionService;
import dk.vejsyn.inference.pipeline.DetectionService.Lane;
import dk.vejsyn.inference.timing.Stage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transport-independent core of live ingest: accepts validated frames into the durable inbox
 * and runs them through detection into the findings store.
 *
 * <p><b>Back-pressure.</b> This instance holds at most {@code queue-capacity} frames in memory
 * (waiting or being processed): the live lane of the service's {@link DetectionService}. A frame
 * takes a place there before it is decoded and gives it back when its observations are stored.
 * Without a free place {@link #accept} either fails fast ({@link LiveBusyException}: HTTP answers
 * 503) or waits (the MQTT consumer, which then acknowledges nothing, so the broker stops sending
 * at the receive maximum).
 *
 * <p><b>Durability.</b> {@link #accept} returns only after the frame's inbox row has committed; the
 * transports acknowledge then. The inbox row holds the JPEG until the worker's transaction that
 * stores the observations also marks the row done and drops the pixels. A frame whose instance
 * dies is taken over by another instance (or this one after a restart) when its lease runs out.
 *
 * <p><b>Once.</b> The inbox has one row per (vehicle, frame id): a repeat is answered "duplicate"
 * and not processed again. A frame processed twice after a lease ran out in mid-processing
 * (a stalled instance) still stores its observations once: the store is idempotent per
 * observation, and only the owner's "mark done" commits.
 *
 * <p>Workers: the detection service's (shared with upload jobs, live frames first); each frame's
 * observations are stored on the worker that detected them.
 */
public final class LiveIngest implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(LiveIngest.class);
    /** Stages of the per-frame step whose times go to the live metrics (decode is timed apart). */
    private static final Stage[] STEP_STAGES = {Stage.PREPROCESS, Stage.INFERENCE, Stage.POSTPROCESS, Stage.GEOREFERENCE};
    private final LiveHousekeeping housekeeping;

    /** What became of an offered frame. */
    public enum Outcome { ACCEPTED, DUPLICATE }

    /** The answer to {@link #accept}. */
    public record Accepted(Outcome outcome, String driveRef) {}

    private final LiveProperties props;
    private final LiveInbox inbox;
    private final DriveRepository drives;
    private final FindingStore store;
    private final Municipalities municipalities;
    private final TransactionTemplate tx;
    /** Detect, crop, locate: the service's one pool and step (vejsyn.detection.*). */
    private final DetectionService detection;
    private final VehicleCameras cameras;
    private final LiveMetrics metrics;
    private final Clock clock;
    private ScheduledExecutorService recovery;
    private volatile boolean running;

    public LiveIngest(LiveProperties props, LiveInbox inbox, DriveRepository drives, FindingStore store, Municipalities municipalities,
            TransactionTemplate tx, DetectionService detection, VehicleCameras cameras,
            io.micrometer.core.instrument.MeterRegistry registry, Clock clock) {
        if (detection.capacity(Lane.LIVE) != props.queueCapacity()) {
            throw new IllegalArgumentException("the detection service's live lane holds " + detection.capacity(Lane.LIVE)
                    + " frames, vejsyn.live.queue-capacity says " + props.queueCapacity());
        }
        this.detection = detection;
        this.housekeeping = new LiveHousekeeping(props, inbox, drives, store, tx, cameras);
        this.drives = drives;
        this.props = props;
        this.inbox = inbox;
        this.store = store;
        this.municipalities = municipalities;
        this.tx = tx;
        this.cameras = cameras;
        this.clock = clock;
        this.metrics = new LiveMetrics(registry, this::depth, props.queueCapacity());
    }

    public LiveMetrics metrics() {
        return metrics;
    }

    public LiveProperties properties() {
        return props;
    }

    public Clock clock() {
        return clock;
    }

    /** Frames held in memory now (waiting or being processed). */
    public int depth() {
        return detection.depth(Lane.LIVE);
    }

    /**
     * Takes a validated frame: decodes it, stores it durably in the inbox and queues it for a worker.
     *
     * @param waitForRoom wait for a free place (MQTT) instead of failing fast (HTTP)
     * @return {@link Outcome#ACCEPTED}, or {@link Outcome#DUPLICATE} when (vehicle, frame id) was
     *     received before; either way the sender may consider the frame delivered
     * @throws FrameRejectedException when the municipality is unknown or the JPEG is corrupt
     * @throws LiveBusyException without a free place and {@code waitForRoom} false, or when stopped
     * @throws DataAccessException or {@link org.springframework.transaction.TransactionException} when the
     *     inbox cannot be written: the frame is not accepted
     */
    public Accepted accept(FrameMessage m, boolean waitForRoom) throws InterruptedException {
        metrics.received(m.transport());
        try {
            municipalities.require(m.municipality());
        } catch (ApiException e) {
            throw reject(m.transport(), new FrameRejectedException(RejectReason.UNKNOWN_MUNICIPALITY,
                    "no municipality with code " + m.municipality()));
        }
        if (!running) {
            throw new LiveBusyException("live ingest is not running");
        }
        DetectionService.Slot slot = detection.tryReserve(Lane.LIVE);
        if (slot == null) {
            // A repeat (a vehicle retrying after a lost acknowledgement) needs no room: answer it at
            // once. With room, the insert answers it, which saves this query on every frame.
            if (inbox.contains(m.vehicle(), m.frameId())) {
                metrics.duplicate(m.transport());
                return new Accepted(Outcome.DUPLICATE, null);
            }
            metrics.throttled(m.transport());
            if (!waitForRoom) {
                throw new LiveBusyException("the live frame queue is full (" + props.queueCapacity() + " frames)");
            }
            while ((slot = detection.reserve(Lane.LIVE, Duration.ofSeconds(1))) == null) {
                if (!running || detection.isClosed()) {
                    throw new LiveBusyException("live ingest stopped");
                }
            }
        }
        boolean handedOver = false;
        Frame frame = null;
        try {
            long t0 = System.nanoTime();
            try {
                frame = JpegDecoder.decode(m.jpeg(), m.source(), 0, m.tag().time());
            } catch (FrameRejectedException e) {
                throw reject(m.transport(), e);
            }
            metrics.stage(Stage.DECODE, System.nanoTime() - t0);
            Optional<LiveInbox.InboxFrame> stored = inbox.insert(m, props.instanceId(), props.sessionGap(), props.lease());
            if (stored.isEmpty()) {
                metrics.duplicate(m.transport());
                return new Accepted(Outcome.DUPLICATE, null);
            }
            submit(slot, stored.get(), frame);
            handedOver = true;
            metrics.accepted(m.transport());
            return new Accepted(Outcome.ACCEPTED, stored.get().driveRef());
        } finally {
            if (!handedOver) {
                if (frame != null) {
                    frame.close();
                }
                slot.close();
            }
        }
    }

    /** Counts a rejection (for rejections the transports find before {@link #accept}). */
    public FrameRejectedException reject(Transport t, FrameRejectedException e) {
        metrics.rejected(t, e.reason());
        return e;
    }

    /** Whether (vehicle, frame id) was received before. */
    public boolean knows(String vehicle, String frameId) {
        return inbox.contains(vehicle, frameId);
    }

    /** Counts a frame refused because this instance is full, before {@link #accept}. */
    public LiveBusyException full(Transport t) {
        metrics.received(t);
        metrics.throttled(t);
        return new LiveBusyException("the live frame queue is full (" + props.queueCapacity() + " frames)");
    }

    /** Counts a frame a transport received (for frames refused before {@link #accept}). */
    public void countReceived(Transport t) {
        metrics.received(t);
    }

    /**
     * Hands an inbox frame to the detection service. When it is done there, its observations are
     * stored on the worker's thread; a frame dropped unprocessed (this ingest stopping) stays in
     * the inbox for the next claimant.
     */
    private void submit(DetectionService.Slot slot, LiveInbox.InboxFrame in, Frame frame) {
        FrameMessage m = in.message();
        slot.submit(new DetectionService.FrameTask(frame, m.tag(), m.source(), in.id(), cameras.locatorFor(m.vehicle())),
                () -> running, r -> {
                    store(in, r);
                    return null;
                })
                .exceptionally(e -> {
                    if (!(e instanceof java.util.concurrent.CancellationException)) {
                        failed(in, e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                ? e.getCause() : e);
                    }
                    return null;
                });
    }

    /** Stores one detected frame's observations and marks its inbox row done, in one transaction. */
    private void store(LiveInbox.InboxFrame in, DetectionService.FrameResult detected) {
        FrameMessage m = in.message();
        try {
            for (Stage s : STEP_STAGES) {
                metrics.stage(s, detected.times().totalNanos(s));
            }
            List<Observation> observations = detected.outcome().observations();
            long t1 = System.nanoTime();
            DriveInfo drive = new DriveInfo(in.driveRef(), m.vehicle(), m.tag().time(), m.tag().time(), List.of());
            IngestResult result = tx.execute(s -> {
                // Losing this commit in a database crash only leaves the frame queued with its JPEG
                // (the inbox row committed durably before the frame was acknowledged): its lease runs
                // out and it is processed again, and storing its observations is idempotent. Any
                // later durable commit (the session's pass) flushes this one first, as the WAL is
                // written in order. So it need not wait for the disk, which saves the worker the
                // flush on every frame.
                inbox.commitWithoutWaitingForDisk();
                IngestResult r = store.ingest(m.municipality(), drive, observations);
                if (!inbox.markDone(in.id(), props.instanceId(), r.observationsStored() + r.duplicatesSkipped())) {
                    throw new LeaseLostException(in.id());
                }
                drives.countLiveFrame(r.driveId(), in.driveRef());
                return r;
            });
            metrics.store(System.nanoTime() - t1);
            metrics.processed(Duration.between(m.receivedAt(), clock.instant()), result.observationsStored(),
                    result.findingsCreated());
        } catch (LeaseLostException e) {
            log.info("live frame {} was taken over by another instance; its result is discarded", in.id());
        } catch (RuntimeException e) {
            failed(in, e);
        }
    }

    /** Counts a failed attempt on a frame; after the last allowed attempt it is given up. */
    private void failed(LiveInbox.InboxFrame in, Throwable e) {
        FrameMessage m = in.message();
        log.warn("live frame {} ({} / {}) failed: {}", in.id(), m.vehicle(), m.frameId(), e.toString());
        try {
            if (inbox.markAttemptFailed(in.id(), props.instanceId(), e.toString(), props.maxAttempts(),
                    props.recoveryInterval())) {
                metrics.rejected(m.transport(), RejectReason.PROCESSING_FAILED);
            }
        } catch (DataAccessException db) {
            log.warn("could not record the failure of live frame {} (its lease will run out): {}", in.id(), db.toString());
        }
    }

    /** Takes over frames whose owner's lease ran out, while this instance has room. */
    private void recover() {
        try {
            DetectionService.Slot slot;
            while (running && (slot = detection.tryReserve(Lane.LIVE)) != null) {
                boolean handedOver = false;
                try {
                    Optional<LiveInbox.InboxFrame> claimed = inbox.claimExpired(props.instanceId(), props.lease());
                    if (claimed.isEmpty()) {
                        return;
                    }
                    LiveInbox.InboxFrame c = claimed.get();
                    FrameMessage m = c.message();
                    try {
                        Frame frame = JpegDecoder.decode(m.jpeg(), m.source(), 0, m.tag().time());
                        submit(slot, c, frame);
                        handedOver = true;
                        log.info("took over live frame {} ({} / {})", c.id(), m.vehicle(), m.frameId());
                    } catch (RuntimeException e) {
                        inbox.markAttemptFailed(c.id(), props.instanceId(), e.toString(), 1, Duration.ZERO);
                    }
                } finally {
                    if (!handedOver) {
                        slot.close();
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("live frame recovery failed: {}", e.toString());
        }
    }

    /** The inbox's housekeeping (session closer, retention); run by this instance's recovery thread. */
    LiveHousekeeping housekeeping() {
        return housekeeping;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        recovery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vejsyn-live-recovery");
            t.setDaemon(true);
            return t;
        });
        long ms = props.recoveryInterval().toMillis();
        recovery.scheduleWithFixedDelay(this::recover, ms, ms, TimeUnit.MILLISECONDS);
        recovery.scheduleWithFixedDelay(housekeeping::recordEndedSessions, ms, ms, TimeUnit.MILLISECONDS);
        recovery.scheduleWithFixedDelay(() -> housekeeping.purgeInbox(() -> running), 60_000,
                LiveHousekeeping.PURGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        log.info("live ingest running: {} detection workers (shared with upload jobs), queue capacity {}, instance {}",
                detection.workers(), props.queueCapacity(), props.instanceId());
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        recovery.shutdownNow();
        // Frames waiting for a worker are left to the next claimant; frames in work finish.
        detection.cancelQueued(Lane.LIVE);
        try {
            if (!detection.awaitIdle(Lane.LIVE, Duration.ofSeconds(30))) {
                log.warn("live frames still in work after 30 s; their leases will run out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            int n = inbox.release(props.instanceId());
            if (n > 0) {
                log.info("released {} unprocessed live frames to other instances", n);
            }
        } catch (RuntimeException e) {
            log.warn("could not release live frames (their leases will run out): {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }

    /** Another instance owns the frame now. */
    private static final class LeaseLostException extends RuntimeException {
        LeaseLostException(long id) {
            super("lease lost on live frame " + id, null, false, false);
        }
    }
}
