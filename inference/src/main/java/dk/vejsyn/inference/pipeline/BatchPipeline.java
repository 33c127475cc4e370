package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.detect.Detector;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Runs footage through the whole chain: frame source → detector → georeferencing → sink.
 *
 * <p>The calling thread decodes (the source is single-threaded); {@code workers} threads each
 * own one detector (one DJL predictor) and take frames from a bounded queue, so decoding
 * overlaps inference and at most {@code queueCapacity + workers} frames are in memory at once.
 * Each frame is closed as soon as its detections are located and cropped.
 */
public final class BatchPipeline {
    private static final Object END = new Object();

    private final DetectorFactory detectors;
    private final ObservationLocator locator;
    private final PipelineSettings settings;
    private final FrameStep step;

    public BatchPipeline(DetectorFactory detectors, ObservationLocator locator, PipelineSettings settings) {
        this.detectors = detectors;
        this.locator = locator;
        this.settings = settings;
        this.step = new FrameStep(settings.evidence(), settings.evidenceMarginPx());
    }

    /**
     * Processes every frame of {@code source} into {@code sink}. On success the sink is
     * completed; on any failure it is aborted and the exception rethrown.
     *
     * @param progress called with the number of frames read so far (from the decoding thread)
     */
    public RunReport run(FrameSource source, ObservationSink sink, LongConsumer progress) {
        PipelineSettings.useOneNativeThreadPerWorker();
        long start = System.nanoTime();
        StageTimes times = new StageTimes();
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder detections = new LongAdder();
        LongAdder observations = new LongAdder();
        AtomicLong processed = new AtomicLong();
        TorchRuntime.Status runtimeBefore = TorchRuntime.status();
        Map<DropReason, LongAdder> dropped = new ConcurrentHashMap<>();

        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < settings.workers(); i++) {
            Thread t = new Thread(() -> work(queue, sink, times, failure, detections, observations, processed, dropped),
                    "vejsyn-detector-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        try {
            while (failure.get() == null) {
                long t0 = System.nanoTime();
                Optional<GeoFrame> next = source.next();
                times.add(Stage.DECODE, System.nanoTime() - t0);
                progress.accept(source.stats().framesRead());
                if (next.isEmpty()) {
                    break;
                }
                if (!offer(queue, next.get(), failure)) {
                    next.get().close();
                }
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        } finally {
            for (int i = 0; i < workers.size(); i++) {
                offerEnd(queue, workers);
            }
            for (Thread t : workers) {
                joinQuietly(t);
            }
            drainAndClose(queue);
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

    private void work(BlockingQueue<Object> queue, ObservationSink sink, StageTimes times,
            AtomicReference<Throwable> failure, LongAdder detections, LongAdder observations,
            AtomicLong processed, Map<DropReason, LongAdder> dropped) {
        try (Detector detector = detectors.newDetector(times)) {
            while (true) {
                Object item = queue.take();
                if (item == END) {
                    return;
                }
                try (GeoFrame gf = (GeoFrame) item) {
                    if (failure.get() != null) {
                        continue; // drain without work so the decoder is not blocked
                    }
                    FrameStep.Outcome outcome = step.run(detector, locator, gf.frame(), gf.tag(), gf.frame().source(),
                            gf.frame().index(), times);
                    for (Observation o : outcome.observations()) {
                        sink.accept(o);
                    }
                    observations.add(outcome.observations().size());
                    outcome.dropped().forEach((reason, n) -> dropped.computeIfAbsent(reason, k -> new LongAdder()).add(n));
                    sink.frameProcessed(gf.tag(), gf.frame().source(), gf.frame().index());
                    detections.add(outcome.detections().size());
                    processed.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            drainAndClose(queue);
        }
    }

    /** Puts an item, waiting while the queue is full, unless the run has failed. */
    private static boolean offer(BlockingQueue<Object> queue, Object item, AtomicReference<Throwable> failure) {
        try {
            while (failure.get() == null) {
                if (queue.offer(item, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Puts an end marker, waiting for room only while some worker is alive to take it. */
    private static void offerEnd(BlockingQueue<Object> queue, List<Thread> workers) {
        try {
            while (workers.stream().anyMatch(Thread::isAlive)) {
                if (queue.offer(END, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drainAndClose(BlockingQueue<Object> queue) {
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Object o : rest) {
            if (o instanceof GeoFrame gf) {
                gf.close();
            } else if (o == END) {
                queue.offer(END); // leave the end marker for the other workers
            }
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
