package dk.vejsyn.inference.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL translator from a {@link Frame} to detections in frame pixels.
 *
 * <p>Preprocess: letterbox (aspect kept, centred, padded with the model's pad value) to the
 * model's input size, BGR to RGB, scale to 0..1, NCHW float32 {@code [1, 3, H, W]}.
 * Postprocess: {@link YoloDecoder} on the {@code [1, 4 + C, N]} output, class-aware {@link Nms},
 * boxes mapped back through the {@link Letterbox}. An output outside the contract's ranges
 * ({@link OutputGuard}) throws {@link UntrustedOutputException} instead of becoming detections.
 *
 * <p>Not thread-safe (holds the letterbox of the frame in flight): one per predictor.
 */
public final class FrameTranslator implements Translator<Frame, List<Detection>>, AutoCloseable {
    private final ModelSpec spec;
    private InputTensors tensors; // created on first use: the translator DJL needs for loading never runs
    private final YoloDecoder decoder;
    private final StageTimes times;
    private final OutputFaults faults;
    private Letterbox letterbox;
    private TorchRuntime.Convolutions kernels = TorchRuntime.Convolutions.ATEN;
    private long lastPreprocessNanos;
    private long lastPostprocessNanos;

    public FrameTranslator(ModelSpec spec, StageTimes times) {
        this(spec, times, OutputFaults.NONE);
    }

    FrameTranslator(ModelSpec spec, StageTimes times, OutputFaults faults) {
        this.spec = spec;
        this.decoder = new YoloDecoder(spec);
        this.times = times;
        this.faults = faults;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Frame frame) {
        long t0 = System.nanoTime();
        kernels = TorchRuntime.active();
        letterbox = Letterbox.fit(frame.width(), frame.height(), spec.inputWidth(), spec.inputHeight());
        if (tensors == null) {
            tensors = new InputTensors(spec);
        }
        NDArray input = tensors.toNDArray(ctx.getNDManager(), frame.image(), letterbox);
        lastPreprocessNanos = System.nanoTime() - t0;
        times.add(Stage.PREPROCESS, lastPreprocessNanos);
        return new NDList(input);
    }

    @Override
    public List<Detection> processOutput(TranslatorContext ctx, NDList list) {
        long t0 = System.nanoTime();
        NDArray out = list.singletonOrThrow();
        Shape shape = out.getShape();
        if (shape.dimension() != 3 || shape.get(0) != 1 || shape.get(1) != 4 + spec.outputClasses().size()) {
            throw new IllegalStateException("model output shape " + shape + " does not match the contract [1, "
                    + (4 + spec.outputClasses().size()) + ", N]");
        }
        int anchors = (int) shape.get(2);
        // No output becomes a detection unless it keeps to the model's contract (TorchRuntime).
        float[] raw = OutputGuard.require(faults.apply(out.toFloatArray(), kernels), spec);
        List<Detection> detections = postprocess(raw, anchors);
        lastPostprocessNanos = System.nanoTime() - t0;
        times.add(Stage.POSTPROCESS, lastPostprocessNanos);
        return detections;
    }

    List<Detection> postprocess(float[] raw, int anchors) {
        // Boxes are mapped to the frame and clipped before NMS, exactly as the Python reference
        // evaluator does, so both agree at image edges.
        List<YoloDecoder.Candidate> inFrame = new ArrayList<>();
        for (YoloDecoder.Candidate c : decoder.decode(raw, anchors, spec)) {
            PixelBox box = letterbox.toFrame(c.box());
            if (box.width() > 0 && box.height() > 0) {
                inFrame.add(new YoloDecoder.Candidate(box, c.classIndex(), c.score()));
            }
        }
        List<YoloDecoder.Candidate> kept = Nms.apply(inFrame, spec.iouThreshold(), spec.maxDetections());
        List<Detection> detections = new ArrayList<>(kept.size());
        for (YoloDecoder.Candidate c : kept) {
            detections.add(new Detection(c.box(), decoder.type(c.classIndex()), c.score()));
        }
        return detections;
    }

    /** Nanoseconds the last call spent in pre- plus postprocessing (this translator's thread only). */
    long lastPrePostNanos() {
        return lastPreprocessNanos + lastPostprocessNanos;
    }

    /** Releases the native preprocessing buffers; call after the predictor using this is closed. */
    @Override
    public void close() {
        if (tensors != null) {
            tensors.close();
            tensors = null;
        }
    }

    @Override
    public Batchifier getBatchifier() {
        return null; // the input already carries its batch dimension
    }
}
