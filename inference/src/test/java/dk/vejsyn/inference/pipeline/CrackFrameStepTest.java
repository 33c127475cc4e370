package dk.vejsyn.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.CrackTyping;
import dk.vejsyn.inference.geo.GroundPoint;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.timing.StageTimes;
import java.time.Instant;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * A detector that reports the model's generic {@code crack} (scripted, not the shipped model) through
 * the per-frame step: the observation comes out typed by its footprint, as the settings say.
 */
class CrackFrameStepTest {
    private static final CameraModel CAM = CameraModel.refuseTruckDashcam();
    private static final GeoTag NORTH = GeoTag.of(55.4, 10.4, Instant.EPOCH).withHeading(0);

    /** The box of a crack 3 m long and 0.2 m wide running along the road, 8 m ahead. */
    private static PixelBox longCrack() {
        double[] near = CAM.groundToPixel(new GroundPoint(6.5, -0.1)).orElseThrow();
        double[] nearRight = CAM.groundToPixel(new GroundPoint(6.5, 0.1)).orElseThrow();
        double[] far = CAM.groundToPixel(new GroundPoint(9.5, 0)).orElseThrow();
        return new PixelBox(near[0], far[1], nearRight[0], near[1]);
    }

    private static Detector crackDetector() {
        return new Detector() {
            @Override
            public List<Detection> detect(Frame frame) {
                return List.of(new Detection(longCrack(), DamageType.CRACK, 0.6f));
            }

            @Override
            public void close() {}
        };
    }

    private static Observation run(DetectionSettings settings) {
        try (Frame f = new Frame(3, "drive.mp4", Instant.EPOCH,
                new Mat(720, 1280, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0)))) {
            FrameStep.Outcome out = settings.frameStep().run(crackDetector(), settings.locator(CAM), f, NORTH,
                    "drive.mp4", 3, new StageTimes());
            return out.observations().get(0);
        }
    }

    @Test
    void theModelsCrackRowComesOutTypedWithItsLength() {
        Observation o = run(DetectionSettings.defaults());
        assertThat(o.type()).isEqualTo(DamageType.LONGITUDINAL_CRACK);
        assertThat(o.lengthM()).isCloseTo(3.0, within(0.05));
        assertThat(o.evidenceJpeg()).isNotNull();
    }

    @Test
    void theTypingSettingReachesTheLocator() {
        DetectionSettings d = DetectionSettings.defaults();
        DetectionSettings off = new DetectionSettings(d.model(), null, null, d.maxRangeM(), d.sampleDistanceM(),
                d.evidenceMarginPx(), 1, new CrackTyping(false, 2.5, 1.0, 12.0));
        assertThat(run(off).type()).isEqualTo(DamageType.CRACK);
        assertThat(off.withWorkers(2).crackTyping().enabled()).isFalse();
    }
}
