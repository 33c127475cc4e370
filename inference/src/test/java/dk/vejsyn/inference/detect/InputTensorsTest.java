package dk.vejsyn.inference.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Preprocessing: letterbox, BGR to RGB, scale, NCHW; and reuse of its buffers between frames. */
class InputTensorsTest {
    private static final int W = 64;
    private static final int H = 64;
    private static ModelSpec spec;

    @BeforeAll
    static void spec() {
        System.setProperty("ai.djl.offline", "true");
        spec = ModelSpec.load(ModelSpec.defaultMetadataFile()).withInputSize(W, H);
    }

    private static Mat solid(int w, int h, int b, int g, int r) {
        return new Mat(h, w, opencv_core.CV_8UC3, new Scalar(b, g, r, 0));
    }

    private static float at(float[] chw, int channel, int y, int x) {
        return chw[channel * W * H + y * W + x];
    }

    @Test
    void letterboxesSwapsChannelsAndScales() {
        // 64x32 frame into 64x64: 16 rows of padding above and below.
        float[] t = InputTensors.of(solid(64, 32, 10, 20, 200), Letterbox.fit(64, 32, W, H), spec);
        assertThat(t).hasSize(3 * W * H);
        float s = (float) spec.scale();
        assertThat(at(t, 0, 32, 32)).isCloseTo(200 * s, within(1e-4f)); // R first
        assertThat(at(t, 1, 32, 32)).isCloseTo(20 * s, within(1e-4f));
        assertThat(at(t, 2, 32, 32)).isCloseTo(10 * s, within(1e-4f));
        assertThat(at(t, 0, 0, 0)).isCloseTo(spec.padValue() * s, within(1e-4f));
        assertThat(at(t, 2, H - 1, W - 1)).isCloseTo(spec.padValue() * s, within(1e-4f));
    }

    @Test
    void reusedBuffersGiveTheSameTensorsAsFreshOnesAcrossFrameSizes() {
        List<Mat> frames = List.of(solid(64, 32, 10, 20, 200), solid(64, 32, 90, 80, 70),
                solid(32, 64, 1, 2, 3), solid(64, 32, 255, 0, 0));
        try (InputTensors reused = new InputTensors(spec); NDManager manager = NDManager.newBaseManager()) {
            for (Mat frame : frames) {
                Letterbox lb = Letterbox.fit(frame.cols(), frame.rows(), W, H);
                float[] fresh = InputTensors.of(frame, lb, spec);
                try (NDArray array = reused.toNDArray(manager, frame, lb)) {
                    assertThat(array.getShape().getShape()).containsExactly(1, 3, H, W);
                    // A wider frame after a taller one must not keep the taller one's pixels in the padding.
                    assertThat(array.toFloatArray()).containsExactly(fresh);
                }
            }
        }
    }
}
