package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.detect.DetectorFactory;
import dk.vejsyn.inference.detect.TorchRuntime;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.geo.DropReason;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Runs footage through the whole chain: frame source → {@link DetectionService} (detect, crop,
 * locate) → sink.
 *
 * <p>The calling thread decodes (the source is single-threaded) and submits each frame to the
 * detection service, waiting for a place in its batch lane, so decoding overlaps inference and
 * the frames in memory are bounded by the lane's capacity. The service's workers hand each
 * frame's observations to the sink (the sink must be thread-safe) and close the frame.
 *
 * <p>With a {@link DetectorFactory} the run gets a pool of its own (the command line); in the
 * service every run submits to the service's one pool.
 */
public final class BatchPipeline {
    private final DetectorFactory detectors;
    private final PipelineSettings settings;
    private final DetectionService shared;
    private final ObservationLocator locator;

    /** A pipeline that starts its own detection workers for each run ({@code settings.workers()}). */
    public BatchPipeline(DetectorFactory detectors, ObservationLocator locator, PipelineSettings settings) {
        this.detectors = detectors;
        this.locator = locator;
        this.settings = settings;
        this.shared = null;
    }

    /** A pipeline that submits to a running detection service (its frame step and workers). */
    public BatchPipeline(DetectionService service, ObservationLocator locator) {
        this.detectors = null;
        this.settings = null;
        this.locator = locator;
        this.shared = service;
    }

    /**
     * Processes every frame of {@code source} into {@code sink}. On success the sink is
     * completed; on any failure it is aborted and the exception rethrown.
     *
     * @param progress called with the number of frames read so far (from the decoding thread)
     */
    public RunReport run(FrameSource source, ObservationSink sink, LongConsumer progress) {
        if (shared != null) {
            return run(shared, source, sink, progress);
        }
        try (DetectionService own = DetectionService.forBatch(detectors, settings)) {
            return run(own, source, sink, progress);
        }
    }

    private RunReport run(DetectionService service, FrameSource source, ObservationSink sink, LongConsumer progress) {
        long start = System.nanoTime();
        StageTimes times = new StageTimes();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder detections = new LongAdder();
        LongAdder observations = new LongAdder();
        AtomicLong processed = new AtomicLong();
        TorchRuntime.Status runtimeBefore = TorchRuntime.status();
        Map<DropReason, LongAdder> dropped = new ConcurrentHashMap<>();
        // One party per frame in work, plus this thread: the run ends when every frame is done.
        Phaser inWork = new Phaser(1);
        BooleanSupplier wanted = () -> failure.get() == null; // after a failure, queued frames are dropped

        try {
            while (failure.get() == null) {
                long t0 = System.nanoTime();
                Optional<GeoFrame> next = source.next();
                times.add(Stage.DECODE, System.nanoTime() - t0);
                progress.accept(source.stats().framesRead());
                if (next.isEmpty()) {
                    break;
                }
                GeoFrame gf = next.get();
                DetectionService.Slot slot = place(service, failure);
                if (slot == null) {
                    gf.close();
                    break;
                }
                inWork.register();
                slot.submit(new DetectionService.FrameTask(gf.frame(), gf.tag(), gf.frame().source(), gf.frame().index(),
                        locator), wanted, r -> {
                            FrameStep.Outcome outcome = r.outcome();
                            for (Observation o : outcome.observations()) {
                                sink.accept(o);
                            }
                            observations.add(outcome.observations().size());
                            outcome.dropped().forEach((reason, n) ->
                                    dropped.computeIfAbsent(reason, k -> new LongAdder()).add(n));
                            sink.frameProcessed(gf.tag(), gf.frame().source(), gf.frame().index());
                            detections.add(outcome.detections().size());
                            processed.incrementAndGet();
                            times.addAll(r.times());
                            return null;
                        })
                        .whenComplete((v, e) -> {
                            if (e instanceof CancellationException) {
                                // Dropped unprocessed: by this run after a failure (nothing to add),
                                // or by a service that stopped, which must not pass for success.
                                failure.compareAndSet(null, new IllegalStateException("the detection service stopped;"
                                        + " frame " + gf.frame().index() + " of " + gf.frame().source() + " was not processed"));
                            } else if (e != null) {
                                failure.compareAndSet(null, e instanceof CompletionException && e.getCause() != null
                                        ? e.getCause() : e);
                            }
                            inWork.arriveAndDeregister();
                        });
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        } finally {
            inWork.arriveAndAwaitAdvance();
        }
        Throwable f = failure.get();
        if (f != null) {
            sink.abort();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f);
        }
        sink.complete();
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        dropped.forEach((k, v) -> drops.put(k, v.sum()));
        TorchRuntime.Status runtime = TorchRuntime.status();
        return new RunReport(source.stats().snapshot(), processed.get(), detections.sum(), observations.sum(),
                drops, times, Duration.ofNanos(System.nanoTime() - start), runtime,
                runtime.recomputedPasses() - runtimeBefore.recomputedPasses());
    }

    /** A place in the service's batch lane, waiting while it is full, unless the run has failed. */
    private static DetectionService.Slot place(DetectionService service, AtomicReference<Throwable> failure) {
        try {
            while (failure.get() == null) {
                DetectionService.Slot s = service.reserve(DetectionService.Lane.BATCH, Duration.ofMillis(50));
                if (s != null) {
                    return s;
                }
                if (service.isClosed()) {
                    failure.compareAndSet(null, new IllegalStateException("the detection service stopped"));
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
            return null;
        }
    }
}
