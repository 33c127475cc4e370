package dk.vejsyn.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.pipeline.DetectionService.FrameTask;
import dk.vejsyn.inference.pipeline.DetectionService.Lane;
import dk.vejsyn.inference.pipeline.DetectionService.Slot;
import dk.vejsyn.inference.timing.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * The detection service's contract, with a detector the test holds at a gate: places per lane
 * (full answers null), back-pressure, live before batch, one detector per worker made on first
 * use, frames closed whatever happens, per-frame stage times, and close.
 */
class DetectionServiceTest {
    private static final ObservationLocator LOCATOR = new ObservationLocator(CameraModel.refuseTruckDashcam(), 25);

    /** Detectors that wait at a gate and record which frame each worker saw, in order. */
    static final class Gate {
        final CountDownLatch open = new CountDownLatch(1);
        final List<String> order = Collections.synchronizedList(new ArrayList<>());
        final Set<Thread> detectorThreads = ConcurrentHashMap.newKeySet();
        final AtomicInteger made = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final CountDownLatch entered;

        Gate(int entries) {
            entered = new CountDownLatch(entries);
        }

        Detector newDetector(dk.vejsyn.inference.timing.StageTimes times) {
            made.incrementAndGet();
            Thread owner = Thread.currentThread();
            detectorThreads.add(owner);
            return new Detector() {
                @Override
                public List<Detection> detect(Frame frame) {
                    assertThat(Thread.currentThread()).isSameAs(owner); // one detector per worker thread
                    entered.countDown();
                    try {
                        assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    if (frame.source().equals("bad")) {
                        throw new IllegalStateException("detector failed on purpose");
                    }
                    order.add(frame.source());
                    times.add(Stage.INFERENCE, 1_000_000);
                    return List.of();
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }
    }

    private final List<Mat> mats = new ArrayList<>();

    private FrameTask task(String source) {
        Mat m = new Mat(32, 32, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0));
        mats.add(m);
        return new FrameTask(new Frame(0, source, Instant.EPOCH, m), GeoTag.of(55, 10, Instant.EPOCH).withHeading(0),
                source, 0, LOCATOR);
    }

    private long closedFrames() {
        return mats.stream().filter(m -> m.isNull()).count();
    }

    @Test
    void aFullLaneGivesNoPlaceUntilAFrameIsDoneAndTheOtherLaneIsNotAffected() throws Exception {
        Gate gate = new Gate(1);
        try (DetectionService s = new DetectionService(gate::newDetector, new FrameStep(false, 0), 1, 1, 2, "t")) {
            CompletableFuture<String> first = s.tryReserve(Lane.BATCH).submit(task("b1"), () -> true, r -> "done");
            Slot second = s.tryReserve(Lane.BATCH);
            assertThat(second).isNotNull();
            assertThat(s.tryReserve(Lane.BATCH)).as("the batch lane holds two frames").isNull();
            assertThat(s.reserve(Lane.BATCH, Duration.ofMillis(20))).isNull();
            assertThat(s.depth(Lane.BATCH)).isEqualTo(2);
            Slot live = s.tryReserve(Lane.LIVE);
            assertThat(live).as("the live lane has its own place").isNotNull();
            live.close(); // given back unused
            assertThat(s.depth(Lane.LIVE)).isZero();

            gate.open.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            second.close();
            assertThat(s.awaitIdle(Lane.BATCH, Duration.ofSeconds(10))).isTrue();
            assertThat(s.depth(Lane.BATCH)).isZero();
            assertThat(closedFrames()).isEqualTo(1);
        }
    }

    @Test
    void waitingLiveFramesGoBeforeWaitingBatchFrames() throws Exception {
        Gate gate = new Gate(1);
        try (DetectionService s = new DetectionService(gate::newDetector, new FrameStep(false, 0), 1, 4, 4, "t")) {
            List<CompletableFuture<?>> all = new ArrayList<>();
            all.add(s.tryReserve(Lane.BATCH).submit(task("b0"), () -> true, r -> r));
            assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue(); // b0 is in work
            all.add(s.tryReserve(Lane.BATCH).submit(task("b1"), () -> true, r -> r));
            all.add(s.tryReserve(Lane.BATCH).submit(task("b2"), () -> true, r -> r));
            all.add(s.tryReserve(Lane.LIVE).submit(task("l1"), () -> true, r -> r));
            all.add(s.tryReserve(Lane.LIVE).submit(task("l2"), () -> true, r -> r));
            gate.open.countDown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(gate.order).containsExactly("b0", "l1", "l2", "b1", "b2");
        }
    }

    @Test
    void eachWorkerMakesOneDetectorOnItsFirstFrameAndClosesItOnClose() throws Exception {
        Gate gate = new Gate(2);
        DetectionService s = new DetectionService(gate::newDetector, new FrameStep(false, 0), 2, 0, 8, "t");
        assertThat(gate.made.get()).as("no frame yet, no detector (no model loaded)").isZero();
        List<CompletableFuture<DetectionService.FrameResult>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(s.tryReserve(Lane.BATCH).submit(task("f" + i), () -> true, r -> r));
        }
        assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue(); // both workers hold a frame
        gate.open.countDown();
        for (var f : results) {
            // The frame's own stage times: one inference of 1 ms each, plus locating.
            assertThat(f.get(10, TimeUnit.SECONDS).times().totalNanos(Stage.INFERENCE)).isEqualTo(1_000_000);
            assertThat(f.get().times().count(Stage.GEOREFERENCE)).isEqualTo(1);
        }
        s.close();
        assertThat(gate.made.get()).isEqualTo(2);
        assertThat(gate.detectorThreads).hasSize(2);
        assertThat(gate.closed.get()).isEqualTo(2);
        assertThat(closedFrames()).isEqualTo(8);
    }

    @Test
    void aFailingFrameFailsItsFutureOnlyAndItsPlaceAndFrameAreFreed() throws Exception {
        Gate gate = new Gate(1);
        gate.open.countDown();
        try (DetectionService s = new DetectionService(gate::newDetector, new FrameStep(false, 0), 1, 0, 1, "t")) {
            CompletableFuture<Object> bad = s.tryReserve(Lane.BATCH).submit(task("bad"), () -> true, r -> r);
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("detector failed on purpose");
            assertThat(s.awaitIdle(Lane.BATCH, Duration.ofSeconds(10))).isTrue();
            CompletableFuture<String> good = s.tryReserve(Lane.BATCH).submit(task("good"), () -> true, r -> "ok");
            assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(gate.made.get()).as("the worker keeps its detector after an ordinary failure").isEqualTo(1);
            assertThat(closedFrames()).isEqualTo(2);
        }
    }

    @Test
    void unwantedAndCancelledFramesAreDroppedUnprocessedAndClosed() throws Exception {
        Gate gate = new Gate(1);
        DetectionService s = new DetectionService(gate::newDetector, new FrameStep(false, 0), 1, 4, 4, "t");
        CompletableFuture<Object> held = s.tryReserve(Lane.BATCH).submit(task("held"), () -> true, r -> r);
        assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Object> unwanted = s.tryReserve(Lane.BATCH).submit(task("unwanted"), () -> false, r -> r);
        CompletableFuture<Object> queuedLive = s.tryReserve(Lane.LIVE).submit(task("live"), () -> true, r -> r);
        assertThat(s.cancelQueued(Lane.LIVE)).isEqualTo(1);
        assertThat(queuedLive).isCancelled();
        assertThat(s.depth(Lane.LIVE)).isZero();
        gate.open.countDown();
        held.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> unwanted.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        s.close();
        assertThat(gate.order).containsExactly("held");
        assertThat(closedFrames()).isEqualTo(3);
        assertThat(s.tryReserve(Lane.BATCH)).as("closed: no places").isNull();
    }
}
