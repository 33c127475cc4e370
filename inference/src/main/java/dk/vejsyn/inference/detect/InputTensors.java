package dk.vejsyn.inference.detect;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.opencv_core.Mat;
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
        try (Mat resized = new Mat();
                Mat padded = new Mat();
                Size size = new Size(lb.scaledWidth(), lb.scaledHeight());
                Size inputSize = new Size(lb.inputWidth(), lb.inputHeight());
                Scalar pad = new Scalar(spec.padValue(), spec.padValue(), spec.padValue(), 0);
                Scalar zero = new Scalar(0, 0, 0, 0)) {
            resize(bgr, resized, size, 0, 0, INTER_LINEAR);
            copyMakeBorder(resized, padded,
                    lb.padY(), lb.inputHeight() - lb.scaledHeight() - lb.padY(),
                    lb.padX(), lb.inputWidth() - lb.scaledWidth() - lb.padX(),
                    BORDER_CONSTANT, pad);
            try (Mat blob = blobFromImage(padded, spec.scale(), inputSize, zero, true, false, CV_32F)) {
                float[] out = new float[3 * lb.inputWidth() * lb.inputHeight()];
                FloatBuffer buffer = blob.createBuffer();
                buffer.get(out);
                return out;
            }
        }
    }
}
