package dk.vejsyn.inference.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Builds the model's input tensor from a BGR frame: letterbox (aspect kept, centred, padded with
 * the model's pad value), BGR to RGB, scaled by the model's scale, NCHW float32.
 *
 * <p>An instance keeps its padded canvas and its float blob from one frame to the next: frames of
 * one source share the letterbox, so the padding is painted once and no multi-megabyte native
 * buffer is allocated (and zeroed by the kernel) per frame. Not thread-safe: one per predictor.
 * Close it to release the native buffers.
 */
public final class InputTensors implements AutoCloseable {
    private final ModelSpec spec;
    private final Mat blob = new Mat();
    private final Scalar zero = new Scalar(0, 0, 0, 0);
    private Letterbox geometry;
    private Mat canvas;
    private Mat roi;
    private Size scaledSize;
    private Size inputSize;

    public InputTensors(ModelSpec spec) {
        this.spec = spec;
    }

    /** The model input for a BGR image as a row-major NCHW float array (a copy). */
    public static float[] of(Mat bgr, Letterbox lb, ModelSpec spec) {
        try (InputTensors tensors = new InputTensors(spec)) {
            FloatBuffer buffer = tensors.fill(bgr, lb).asFloatBuffer();
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return out;
        }
    }

    /**
     * The model input as an NDArray {@code [1, 3, H, W]} of {@code manager}. It is made from this
     * instance's blob, which the next call overwrites: use the array before converting the next
     * frame (a predictor does).
     */
    public NDArray toNDArray(NDManager manager, Mat bgr, Letterbox lb) {
        Shape shape = new Shape(1, 3, lb.inputHeight(), lb.inputWidth());
        return manager.create(fill(bgr, lb), shape, DataType.FLOAT32);
    }

    /**
     * Letterboxes {@code bgr} into the canvas and converts it into the blob; returns a
     * native-order view of the blob's bytes (valid until the next call).
     */
    ByteBuffer fill(Mat bgr, Letterbox lb) {
        if (!lb.equals(geometry)) {
            prepare(lb);
        }
        // Resize straight into the padded canvas: one pass over the pixels, no border copy.
        resize(bgr, roi, scaledSize, 0, 0, INTER_LINEAR);
        blobFromImage(canvas, blob, spec.scale(), inputSize, zero, true, false, CV_32F);
        long bytes = blob.total() * blob.elemSize();
        return blob.data().capacity(bytes).limit(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    private void prepare(Letterbox lb) {
        releaseCanvas();
        try (Scalar pad = new Scalar(spec.padValue(), spec.padValue(), spec.padValue(), 0);
                Rect r = new Rect(lb.padX(), lb.padY(), lb.scaledWidth(), lb.scaledHeight())) {
            canvas = new Mat(lb.inputHeight(), lb.inputWidth(), CV_8UC3, pad);
            roi = new Mat(canvas, r);
        }
        scaledSize = new Size(lb.scaledWidth(), lb.scaledHeight());
        inputSize = new Size(lb.inputWidth(), lb.inputHeight());
        geometry = lb;
    }

    private void releaseCanvas() {
        for (var p : new org.bytedeco.javacpp.Pointer[] {roi, canvas, scaledSize, inputSize}) {
            if (p != null) {
                p.close();
            }
        }
        roi = null;
        canvas = null;
        geometry = null;
    }

    @Override
    public void close() {
        releaseCanvas();
        blob.close();
        zero.close();
    }
}
