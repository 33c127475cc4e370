package dk.vejsyn.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.frame.SourceStats;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.DropReason;
import dk.vejsyn.inference.geo.GroundPoint;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.timing.Stage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pipeline's plumbing with a scripted detector (the real model is exercised in
 * DjlDetectorTest and the end-to-end tests): every frame is processed and closed, detections are
 * located or dropped with a reason, and failures abort the sink.
 */
class BatchPipelineTest {
    private static final CameraModel CAM = CameraModel.refuseTruckDashcam();

    /** Frames of a vehicle driving north; records how many were closed. */
    static final class ScriptedSource implements FrameSource {
        final int count;
        final List<Mat> mats = new ArrayList<>();
        final SourceStats stats = new SourceStats();
        int next;
        final int failAt;

        ScriptedSource(int count, int failAt) {
            this.count = count;
            this.failAt = failAt;
        }

        @Override
        public Optional<GeoFrame> next() {
            if (next == failAt) {
                throw new dk.vejsyn.inference.InputException("drive.mp4: frame " + next + " is unreadable");
            }
            if (next >= count) {
                return Optional.empty();
            }
            int i = next++;
            Mat m = new Mat(720, 1280, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0));
            mats.add(m);
            Frame f = new Frame(i, "drive.mp4", Instant.EPOCH.plusSeconds(i), m);
            GeoTag tag = GeoTag.of(55.0 + i * 4e-5, 10.0, Instant.EPOCH.plusSeconds(i)).withHeading(0);
            return Optional.of(new GeoFrame(f, tag));
        }

        /** Frames whose pixels were released (a closed Mat has a null address). */
        long closed() {
            return mats.stream().filter(m -> m.isNull()).count();
        }

        @Override
        public OptionalLong expectedFrames() {
            return OptionalLong.of(count);
        }

        @Override
        public SourceStats stats() {
            return stats;
        }

        @Override
        public String name() {
            return "drive.mp4";
        }

        @Override
        public void close() {}
    }

    /** Sees one pothole 10 m ahead in every frame and one thing above the horizon. */
    static Detector scripted(AtomicInteger closedDetectors) {
        double[] near = CAM.groundToPixel(new GroundPoint(10, 0)).orElseThrow();
        PixelBox pothole = new PixelBox(near[0] - 30, near[1] - 12, near[0] + 30, near[1]);
        PixelBox sky = new PixelBox(600, 50, 640, 80);
        return new Detector() {
            @Override
            public List<Detection> detect(Frame frame) {
                return List.of(new Detection(pothole, DamageType.POTHOLE, 0.8f),
                        new Detection(sky, DamageType.POTHOLE, 0.4f));
            }

            @Override
            public void close() {
                closedDetectors.incrementAndGet();
            }
        };
    }

    static final class CollectingSink implements ObservationSink {
        final List<Observation> got = Collections.synchronizedList(new ArrayList<>());
        boolean completed;
        boolean aborted;

        @Override
        public void accept(Observation o) {
            got.add(o);
        }

        @Override
        public void complete() {
            completed = true;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void everyFrameIsProcessedLocatedAndClosed(int workers) {
        AtomicInteger detectorsClosed = new AtomicInteger();
        AtomicInteger detectorsMade = new AtomicInteger();
        ScriptedSource source = new ScriptedSource(25, -1);
        CollectingSink sink = new CollectingSink();
        BatchPipeline p = new BatchPipeline(t -> {
            detectorsMade.incrementAndGet();
            return scripted(detectorsClosed);
        }, new ObservationLocator(CAM, 25),
                PipelineSettings.defaults().withWorkers(workers));

        RunReport report = p.run(source, sink, n -> { });

        assertThat(report.framesProcessed()).isEqualTo(25);
        assertThat(report.detections()).isEqualTo(50);
        assertThat(report.observations()).isEqualTo(25);
        assertThat(report.dropped()).containsEntry(DropReason.ABOVE_HORIZON, 25L);
        assertThat(sink.got).hasSize(25).allSatisfy(o -> {
            assertThat(o.distanceM()).isBetween(9.5, 10.5);
            assertThat(o.evidenceJpeg()).isNotNull();
            assertThat(o.evidenceJpeg()[0]).isEqualTo((byte) 0xFF); // JPEG SOI marker
        });
        assertThat(sink.completed).isTrue();
        assertThat(source.closed()).isEqualTo(25);
        // A worker makes its detector on its first frame: at most one per worker, every one closed.
        assertThat(detectorsMade.get()).isBetween(1, workers);
        assertThat(detectorsClosed).hasValue(detectorsMade.get());
        assertThat(report.times().count(Stage.GEOREFERENCE)).isEqualTo(25);
        assertThat(report.summary()).contains("dropped above horizon:").contains("georeference");
    }

    @Test
    void aFailingSourceAbortsTheSinkAndClosesEverything() {
        AtomicInteger detectorsClosed = new AtomicInteger();
        ScriptedSource source = new ScriptedSource(25, 7);
        CollectingSink sink = new CollectingSink();
        BatchPipeline p = new BatchPipeline(t -> scripted(detectorsClosed), new ObservationLocator(CAM, 25),
                PipelineSettings.defaults().withWorkers(2));

        assertThatThrownBy(() -> p.run(source, sink, n -> { })).hasMessageContaining("frame 7");
        assertThat(sink.aborted).isTrue();
        assertThat(sink.completed).isFalse();
        assertThat(source.closed()).isEqualTo(7);
        assertThat(detectorsClosed.get()).isBetween(1, 2);
    }

    @Test
    void aFailingDetectorStopsTheRunWithoutHanging() {
        ScriptedSource source = new ScriptedSource(50, -1);
        CollectingSink sink = new CollectingSink();
        AtomicInteger calls = new AtomicInteger();
        BatchPipeline p = new BatchPipeline(t -> new Detector() {
            @Override
            public List<Detection> detect(Frame frame) {
                if (calls.incrementAndGet() == 3) {
                    throw new IllegalStateException("native crash in forward");
                }
                return List.of();
            }

            @Override
            public void close() {}
        }, new ObservationLocator(CAM, 25), PipelineSettings.defaults());

        assertThatThrownBy(() -> p.run(source, sink, n -> { })).hasMessageContaining("native crash");
        assertThat(sink.aborted).isTrue();
        assertThat(source.closed()).isEqualTo(source.next);
    }
}
