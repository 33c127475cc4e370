package dk.vejsyn.inference.detect;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * DJL translator from a {@link Frame} to detections in frame pixels.
 *
 * <p>Preprocess: letterbox (aspect kept, centred, padded with the model's pad value) to the
 * model's input size, BGR to RGB, scale to 0..1, NCHW float32 {@code [1, 3, H, W]}.
 * Postprocess: {@link YoloDecoder} on the {@code [1, 4 + C, N]} output, class-aware {@link Nms},
 * boxes mapped back through the {@link Letterbox}.
 *
 * <p>Not thread-safe (holds the letterbox of the frame in flight): one per predictor.
 */
public final class FrameTranslator implements Translator<Frame, List<Detection>> {
    private final ModelSpec spec;
    private final YoloDecoder decoder;
    private final StageTimes times;
    private Letterbox letterbox;
    private long lastPreprocessNanos;
    private long lastPostprocessNanos;

    public FrameTranslator(ModelSpec spec, StageTimes times) {
        this.spec = spec;
        this.decoder = new YoloDecoder(spec.classes());
        this.times = times;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Frame frame) {
        long t0 = System.nanoTime();
        letterbox = Letterbox.fit(frame.width(), frame.height(), spec.inputWidth(), spec.inputHeight());
        float[] pixels = toInputTensor(frame.image(), letterbox, spec);
        NDManager manager = ctx.getNDManager();
        NDArray input = manager.create(pixels, new Shape(1, 3, spec.inputHeight(), spec.inputWidth()));
        lastPreprocessNanos = System.nanoTime() - t0;
        times.add(Stage.PREPROCESS, lastPreprocessNanos);
        return new NDList(input);
    }

    /** The model input for a BGR image as a row-major NCHW float array. */
    static float[] toInputTensor(Mat bgr, Letterbox lb, ModelSpec spec) {
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

    @Override
    public List<Detection> processOutput(TranslatorContext ctx, NDList list) {
        long t0 = System.nanoTime();
        NDArray out = list.singletonOrThrow();
        Shape shape = out.getShape();
        if (shape.dimension() != 3 || shape.get(0) != 1 || shape.get(1) != 4 + spec.classes().size()) {
            throw new IllegalStateException("model output shape " + shape + " does not match the contract [1, "
                    + (4 + spec.classes().size()) + ", N]");
        }
        List<Detection> detections = postprocess(out.toFloatArray(), (int) shape.get(2));
        lastPostprocessNanos = System.nanoTime() - t0;
        times.add(Stage.POSTPROCESS, lastPostprocessNanos);
        return detections;
    }

    List<Detection> postprocess(float[] raw, int anchors) {
        List<YoloDecoder.Candidate> kept = Nms.apply(
                decoder.decode(raw, anchors, spec.scoreThreshold()), spec.iouThreshold(), spec.maxDetections());
        List<Detection> detections = new ArrayList<>(kept.size());
        for (YoloDecoder.Candidate c : kept) {
            PixelBox box = letterbox.toFrame(c.box());
            if (box.width() > 0 && box.height() > 0) {
                detections.add(new Detection(box, decoder.type(c.classIndex()), c.score()));
            }
        }
        return detections;
    }

    /** Nanoseconds the last call spent in pre- plus postprocessing (this translator's thread only). */
    long lastPrePostNanos() {
        return lastPreprocessNanos + lastPostprocessNanos;
    }

    @Override
    public Batchifier getBatchifier() {
        return null; // the input already carries its batch dimension
    }
}
