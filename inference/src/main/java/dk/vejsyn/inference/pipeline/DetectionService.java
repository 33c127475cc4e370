package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.detect.DetectorFactory;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.timing.StageTimes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The one place where frames become observations: a pool of worker threads for one model, each
 * with its own detector (one DJL predictor, made on the worker's first frame), running the
 * {@link FrameStep} (detect, evidence crop, locate) on frames that callers submit. Batch runs
 * ({@code detect}, upload jobs, {@code bench}) and live ingest all submit here; in the service
 * they share one pool, so a machine's cores are never split between two sets of predictors.
 *
 * <p><b>Capacity.</b> Frames are admitted per {@link Lane}, each with its own number of places. A
 * place is taken ({@link #tryReserve}, {@link #reserve}) <em>before</em> the caller decodes or
 * stores anything, and given back when the frame's work and the caller's continuation are done, so
 * a lane never holds more frames in memory than its capacity. {@link #tryReserve} answering null is
 * the capacity error (HTTP 503 for a live frame); {@link #reserve} waits (back-pressure for a
 * decoder, or an MQTT consumer that then acknowledges nothing).
 *
 * <p><b>Order.</b> Workers take live frames before batch frames: a vehicle's frame waits for at
 * most the frames already in work, never behind an upload's backlog.
 *
 * <p>Shaped after djl-serving's {@code WorkLoadManager} / {@code WorkerPool}: one pool per model,
 * jobs in, futures out, a capacity error when full.
 */
public final class DetectionService implements AutoCloseable {

    /** Who submits: each lane has its own capacity, and workers serve {@link #LIVE} first. */
    public enum Lane { LIVE, BATCH }

    /** One frame to process; the service closes {@code frame} when its work is done or dropped. */
    public record FrameTask(Frame frame, GeoTag tag, String source, long index, ObservationLocator locator) {
        public FrameTask {
            Objects.requireNonNull(frame, "frame");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(locator, "locator");
        }
    }

    /** What one frame gave, and what each stage cost for this frame alone. */
    public record FrameResult(FrameStep.Outcome outcome, StageTimes times) {}

    private record Job<T>(FrameTask task, BooleanSupplier wanted, Function<FrameResult, T> then,
            CompletableFuture<T> future, Slot slot) {}

    private final DetectorFactory detectors;
    private final FrameStep step;
    private final Map<Lane, Semaphore> places = new EnumMap<>(Lane.class);
    private final Map<Lane, Integer> capacity = new EnumMap<>(Lane.class);
    private final Map<Lane, ArrayDeque<Job<?>>> queues = new EnumMap<>(Lane.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Starts {@code workers} threads; their detectors are made from {@code detectors} when each
     * takes its first frame (so a service that never detects never loads the model).
     *
     * @param liveCapacity frames the live lane may hold (0: no live frames)
     * @param batchCapacity frames the batch lane may hold (decoded, waiting or in work)
     */
    public DetectionService(DetectorFactory detectors, FrameStep step, int workers, int liveCapacity,
            int batchCapacity, String name) {
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be in [1, 64]: " + workers);
        }
        if (liveCapacity < 0 || batchCapacity < 0) {
            throw new IllegalArgumentException("capacities must not be negative");
        }
        this.detectors = Objects.requireNonNull(detectors, "detectors");
        this.step = Objects.requireNonNull(step, "step");
        capacity.put(Lane.LIVE, liveCapacity);
        capacity.put(Lane.BATCH, batchCapacity);
        for (Lane l : Lane.values()) {
            places.put(l, new Semaphore(capacity.get(l)));
            queues.put(l, new ArrayDeque<>());
        }
        PipelineSettings.useOneNativeThreadPerWorker();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "vejsyn-detect-" + name + "-" + i);
            t.setDaemon(true);
            this.workers.add(t);
            t.start();
        }
    }

    /** A private pool for one batch run: {@code settings.workers()} workers, batch lane only. */
    public static DetectionService forBatch(DetectorFactory detectors, PipelineSettings settings) {
        return new DetectionService(detectors, new FrameStep(settings.evidence(), settings.evidenceMarginPx()),
                settings.workers(), 0, settings.queueCapacity() + settings.workers(), "batch");
    }

    /** Whether {@link #close} was called: no place is given any more. */
    public boolean isClosed() {
        return closed;
    }

    public int workers() {
        return workers.size();
    }

    public int capacity(Lane lane) {
        return capacity.get(lane);
    }

    /** Places of {@code lane} taken now (reserved, waiting or in work). */
    public int depth(Lane lane) {
        return capacity.get(lane) - places.get(lane).availablePermits();
    }

    /** A place in {@code lane} if one is free now, else null (the lane is full, or the service closed). */
    public Slot tryReserve(Lane lane) {
        return !closed && places.get(lane).tryAcquire() ? new Slot(lane) : null;
    }

    /** A place in {@code lane}, waiting at most {@code wait} for one; null when none came free. */
    public Slot reserve(Lane lane, Duration wait) throws InterruptedException {
        if (closed || !places.get(lane).tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        if (closed) {
            places.get(lane).release();
            return null;
        }
        return new Slot(lane);
    }

    /**
     * Waits until every place of {@code lane} is back (nothing reserved, waiting or in work);
     * false when {@code timeout} ran out first.
     */
    public boolean awaitIdle(Lane lane, Duration timeout) throws InterruptedException {
        Semaphore s = places.get(lane);
        int n = capacity.get(lane);
        if (s.tryAcquire(n, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            s.release(n);
            return true;
        }
        return false;
    }

    /** Drops the frames of {@code lane} that wait for a worker: their futures are cancelled, their places freed. */
    public int cancelQueued(Lane lane) {
        List<Job<?>> dropped = new ArrayList<>();
        lock.lock();
        try {
            ArrayDeque<Job<?>> q = queues.get(lane);
            dropped.addAll(q);
            q.clear();
        } finally {
            lock.unlock();
        }
        dropped.forEach(DetectionService::drop);
        return dropped.size();
    }

    /**
     * A place in a lane, from reservation until the frame's work is done. Submit a frame with it
     * once, or close it to give the place back unused.
     */
    public final class Slot implements AutoCloseable {
        private final Lane lane;
        private boolean handedOver;

        private Slot(Lane lane) {
            this.lane = lane;
        }

        /**
         * Queues {@code task}. A worker runs the frame step, then {@code then} on its own thread
         * (storing, counting), and completes the future with what {@code then} returns. The
         * place is freed and the frame closed after {@code then}.
         *
         * @param wanted asked just before the work starts: false drops the frame unprocessed (the
         *     future is cancelled), e.g. because the run failed or the ingest is stopping
         */
        public <T> CompletableFuture<T> submit(FrameTask task, BooleanSupplier wanted, Function<FrameResult, T> then) {
            if (handedOver) {
                throw new IllegalStateException("this place was used already");
            }
            handedOver = true;
            Job<T> job = new Job<>(task, wanted, then, new CompletableFuture<>(), this);
            lock.lock();
            try {
                if (!closed) {
                    queues.get(lane).add(job);
                    work.signal();
                    return job.future();
                }
            } finally {
                lock.unlock();
            }
            drop(job);
            return job.future();
        }

        /** Gives the place back if no frame was submitted with it. */
        @Override
        public void close() {
            if (!handedOver) {
                handedOver = true;
                places.get(lane).release();
            }
        }

        private void free() {
            places.get(lane).release();
        }
    }

    private static void drop(Job<?> job) {
        try {
            job.task().frame().close();
        } finally {
            job.slot().free();
            job.future().cancel(false);
        }
    }

    private Job<?> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                for (Lane l : Lane.values()) { // LIVE first
                    Job<?> j = queues.get(l).poll();
                    if (j != null) {
                        return j;
                    }
                }
                if (closed) {
                    return null;
                }
                work.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        // What this worker's detector and step spend goes here and is moved to each frame's result.
        StageTimes scratch = new StageTimes();
        Detector detector = null;
        try {
            for (Job<?> job; (job = take()) != null; ) {
                if (!job.wanted().getAsBoolean()) {
                    drop(job);
                    continue;
                }
                try {
                    if (detector == null) {
                        detector = detectors.newDetector(scratch);
                    }
                    run(detector, scratch, job);
                } catch (Error e) {
                    // A native failure may have left the predictor unusable: the next frame gets a new one.
                    closeQuietly(detector);
                    detector = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(detector);
        }
    }

    private <T> void run(Detector detector, StageTimes scratch, Job<T> job) {
        FrameTask t = job.task();
        try {
            FrameStep.Outcome outcome;
            StageTimes times = new StageTimes();
            try {
                outcome = step.run(detector, t.locator(), t.frame(), t.tag(), t.source(),
                        t.index(), scratch);
            } finally {
                scratch.moveTo(times);
            }
            job.future().complete(job.then().apply(new FrameResult(outcome, times)));
        } catch (CancellationException e) {
            job.future().cancel(false);
        } catch (RuntimeException | Error e) {
            job.future().completeExceptionally(e);
            if (e instanceof Error err) {
                throw err;
            }
        } finally {
            try {
                t.frame().close();
            } finally {
                job.slot().free();
            }
        }
    }

    private static void closeQuietly(Detector d) {
        if (d != null) {
            try {
                d.close();
            } catch (RuntimeException ignored) {
                // closing is best effort; the worker ends or gets a new detector
            }
        }
    }

    /**
     * Stops taking frames, drops the waiting ones (their futures cancelled) and waits for the
     * frames in work; the workers close their detectors.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        for (Lane l : Lane.values()) {
            cancelQueued(l);
        }
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
