package dk.vejsyn.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.DropReason;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** The one per-frame step (detect, crop, locate) that the batch pipeline and live ingest share. */
class FrameStepTest {
    private static final ObservationLocator LOCATOR = new ObservationLocator(CameraModel.refuseTruckDashcam(), 25);

    private static Frame frame() {
        return new Frame(7, "drive.mp4", Instant.EPOCH, new Mat(720, 1280, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0)));
    }

    private static final GeoTag NORTH = GeoTag.of(55.4, 10.4, Instant.EPOCH).withHeading(0);

    @Test
    void keepsLocatedDetectionsWithEvidenceAndCountsTheDropped() {
        StageTimes times = new StageTimes();
        try (Frame f = frame()) {
            FrameStep.Outcome out = new FrameStep(true, Evidence.DEFAULT_MARGIN_PX).run(BatchPipelineTest.scripted(new AtomicInteger()), LOCATOR,
                    f, NORTH, "drive.mp4", 7, times);
            assertThat(out.detections()).hasSize(2);
            assertThat(out.observations()).singleElement().satisfies(o -> {
                assertThat(o.frameIndex()).isEqualTo(7);
                assertThat(o.source()).isEqualTo("drive.mp4");
                assertThat(o.evidenceJpeg()).isNotNull();
                assertThat(o.evidenceJpeg()[0]).isEqualTo((byte) 0xFF);
            });
            assertThat(out.dropped()).containsExactlyEntriesOf(java.util.Map.of(DropReason.ABOVE_HORIZON, 1));
        }
        assertThat(times.count(Stage.GEOREFERENCE)).isEqualTo(1);
    }

    @Test
    void withoutEvidenceNoCropIsCut() {
        try (Frame f = frame()) {
            FrameStep.Outcome out = new FrameStep(false, 16).run(BatchPipelineTest.scripted(new AtomicInteger()), LOCATOR,
                    f, NORTH, "drive.mp4", 7, new StageTimes());
            assertThat(out.observations()).singleElement().satisfies(o -> assertThat(o.evidenceJpeg()).isNull());
        }
    }

    @Test
    void aNegativeMarginIsRefused() {
        assertThatThrownBy(() -> new FrameStep(true, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
