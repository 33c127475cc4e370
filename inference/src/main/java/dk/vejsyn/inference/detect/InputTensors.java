package dk.vejsyn.inference.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Builds the model's input tensor from a BGR frame: letterbox (aspect kept, centred, padded with
 * the model's pad value), BGR to RGB, scaled by the model's scale, NCHW float32.
 */
public final class InputTensors {
    private InputTensors() {}

    /** The model input for a BGR image as a row-major NCHW float array. */
    public static float[] of(Mat bgr, Letterbox lb, ModelSpec spec) {
        return withBlob(bgr, lb, spec, buffer -> {
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return out;
        });
    }

    /**
     * The model input as an NDArray {@code [1, 3, H, W]} of {@code manager}, copied once from
     * OpenCV's buffer (DJL copies a non-byte buffer into memory it owns, so the OpenCV blob can be
     * released right after).
     */
    public static NDArray toNDArray(NDManager manager, Mat bgr, Letterbox lb, ModelSpec spec) {
        Shape shape = new Shape(1, 3, lb.inputHeight(), lb.inputWidth());
        return withBlob(bgr, lb, spec, buffer -> manager.create(buffer, shape));
    }

    private static <T> T withBlob(Mat bgr, Letterbox lb, ModelSpec spec, Function<FloatBuffer, T> use) {
        Scalar pad = new Scalar(spec.padValue(), spec.padValue(), spec.padValue(), 0);
        // Resize straight into the padded canvas: one pass over the pixels, no border copy.
        try (pad;
                Mat canvas = new Mat(lb.inputHeight(), lb.inputWidth(), CV_8UC3, pad);
                Rect r = new Rect(lb.padX(), lb.padY(), lb.scaledWidth(), lb.scaledHeight());
                Mat roi = new Mat(canvas, r);
                Size size = new Size(lb.scaledWidth(), lb.scaledHeight());
                Size inputSize = new Size(lb.inputWidth(), lb.inputHeight());
                Scalar zero = new Scalar(0, 0, 0, 0)) {
            resize(bgr, roi, size, 0, 0, INTER_LINEAR);
            try (Mat blob = blobFromImage(canvas, spec.scale(), inputSize, zero, true, false, CV_32F)) {
                return use.apply(blob.createBuffer());
            }
        }
    }
}
