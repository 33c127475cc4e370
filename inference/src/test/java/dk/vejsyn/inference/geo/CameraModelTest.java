package dk.vejsyn.inference.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CameraModelTest {
    private static final double CM = 0.01;

    private static CameraModel level(double height) {
        return CameraModel.builder().heightM(height).pitchDeg(0).focalPx(1000).imageSize(1280, 720).build();
    }

    @Test
    void zeroPitchPixelBelowCentreHitsTheGroundAtSimilarTriangleDistance() {
        CameraModel cam = level(2.0);
        // A ray 100 px below the centre drops 1 m per 10 m: meets the road 20 m ahead.
        GroundPoint g = cam.pixelToGround(640, 360 + 100).orElseThrow();
        assertThat(g.forwardM()).isCloseTo(20.0, within(CM));
        assertThat(g.rightM()).isCloseTo(0.0, within(CM));
    }

    @Test
    void zeroPitchLateralOffsetScalesWithDistance() {
        CameraModel cam = level(2.0);
        GroundPoint g = cam.pixelToGround(640 + 250, 360 + 100).orElseThrow();
        assertThat(g.forwardM()).isCloseTo(20.0, within(CM));
        assertThat(g.rightM()).isCloseTo(5.0, within(CM));
        GroundPoint left = cam.pixelToGround(640 - 250, 360 + 100).orElseThrow();
        assertThat(left.rightM()).isCloseTo(-5.0, within(CM));
    }

    @Test
    void imageCentreOfAPitchedCameraLooksAtHeightOverTanPitch() {
        CameraModel cam = CameraModel.builder().heightM(2.4).pitchDeg(11).horizontalFovDeg(90)
                .imageSize(1280, 720).build();
        GroundPoint g = cam.pixelToGround(640, 360).orElseThrow();
        assertThat(g.forwardM()).isCloseTo(2.4 / Math.tan(Math.toRadians(11)), within(CM));
        assertThat(g.rightM()).isCloseTo(0, within(CM));
    }

    @Test
    void raysAtOrAboveTheHorizonDoNotReachTheGround() {
        CameraModel cam = CameraModel.refuseTruckDashcam();
        double horizon = cam.horizonRow();
        assertThat(cam.pixelToGround(640, horizon)).isEmpty();
        assertThat(cam.pixelToGround(640, horizon - 50)).isEmpty();
        // Just below the horizon the road is far away but finite.
        GroundPoint far = cam.pixelToGround(640, horizon + 1).orElseThrow();
        assertThat(far.forwardM()).isGreaterThan(500);
        assertThat(cam.pixelToGround(640, horizon + 0.001)).isPresent();
    }

    @Test
    void zeroPitchHorizonIsTheImageCentreRow() {
        CameraModel cam = level(1.5);
        assertThat(cam.horizonRow()).isCloseTo(360, within(1e-9));
        assertThat(cam.pixelToGround(100, 360)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "11, 0, 0, 0", "11, 0, -0.08, 0.01", "8, 3, 0, 0", "15, -4, -0.15, 0.02", "0, 0, 0, 0"
    })
    void groundToPixelAndBackIsTheIdentity(double pitch, double roll, double k1, double k2) {
        CameraModel cam = CameraModel.builder().heightM(2.4).pitchDeg(pitch).rollDeg(roll)
                .horizontalFovDeg(90).imageSize(1280, 720).distortion(k1, k2).build();
        for (double f = 4; f <= 25; f += 3) {
            for (double r = -4; r <= 4; r += 2) {
                GroundPoint g = new GroundPoint(f, r);
                double[] px = cam.groundToPixel(g).orElseThrow();
                GroundPoint back = cam.pixelToGround(px[0], px[1]).orElseThrow();
                assertThat(back.forwardM()).as("forward at %s", g).isCloseTo(f, within(CM));
                assertThat(back.rightM()).as("right at %s", g).isCloseTo(r, within(CM));
            }
        }
    }

    @Test
    void positiveRollLowersTheRightSideOfTheHorizon() {
        CameraModel cam = CameraModel.builder().heightM(2.4).pitchDeg(0).rollDeg(5).focalPx(1000)
                .imageSize(1280, 720).build();
        double[] farLeft = cam.worldToPixel(1000, -300, 2.4).orElseThrow();
        double[] farRight = cam.worldToPixel(1000, 300, 2.4).orElseThrow();
        assertThat(farRight[1]).isGreaterThan(farLeft[1]);
    }

    @Test
    void pointsBehindTheCameraHaveNoPixel() {
        assertThat(CameraModel.refuseTruckDashcam().groundToPixel(new GroundPoint(-3, 0))).isEmpty();
    }

    @Test
    void focalLengthScalesWithFrameWidth() {
        CameraModel cam = CameraModel.refuseTruckDashcam();
        CameraModel half = cam.forImageSize(640, 360);
        assertThat(half.focalPx()).isCloseTo(cam.focalPx() / 2, within(1e-9));
        GroundPoint a = cam.pixelToGround(700, 600).orElseThrow();
        GroundPoint b = half.pixelToGround(350, 300).orElseThrow();
        assertThat(b.forwardM()).isCloseTo(a.forwardM(), within(CM));
        assertThat(b.rightM()).isCloseTo(a.rightM(), within(CM));
    }

    @Test
    void profileRoundTripsThroughJson() throws Exception {
        CameraModel cam = CameraModel.builder().name("van").heightM(1.9).pitchDeg(9.5).rollDeg(1)
                .horizontalFovDeg(100).imageSize(1920, 1080).distortion(-0.1, 0.02).build();
        CameraModel back = CameraModel.fromJson(
                new ByteArrayInputStream(cam.toJson().getBytes(StandardCharsets.UTF_8)));
        assertThat(back.toString()).isEqualTo(cam.toString());
        assertThat(back.k1()).isEqualTo(-0.1);
    }

    @Test
    void profileWithHfovInsteadOfFocalLength() throws Exception {
        String json = "{\"height_m\":2.0,\"pitch_deg\":10,\"hfov_deg\":90,\"image_width\":1000,\"image_height\":500}";
        CameraModel cam = CameraModel.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(cam.focalPx()).isCloseTo(500, within(1e-9));
    }

    @Test
    void invalidProfilesAreRejectedWithAReason() {
        assertThatThrownBy(() -> CameraModel.fromJson(new ByteArrayInputStream(
                "{\"height_m\":2.0,\"pitch_deg\":10,\"image_width\":1000,\"image_height\":500}".getBytes())))
                .hasMessageContaining("hfov_deg or focal_px");
        assertThatThrownBy(() -> CameraModel.fromJson(new ByteArrayInputStream(
                "{\"height_m\":-1,\"pitch_deg\":10,\"hfov_deg\":90,\"image_width\":1000,\"image_height\":500}".getBytes())))
                .hasMessageContaining("height");
        assertThatThrownBy(() -> CameraModel.fromJson(new ByteArrayInputStream("{not json".getBytes())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CameraModel.builder().heightM(2).pitchDeg(95).horizontalFovDeg(90)
                .imageSize(10, 10).build()).hasMessageContaining("pitch");
    }
}
