package dk.vejsyn.inference.detect;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Refuses a PyTorch runtime that does not give the same, finite output for the same input.
 *
 * <p>Why: on an AVX-512 AMD EPYC virtual machine, the convolutions of libtorch 2.7.1's oneDNN
 * 3.7.1 with its AVX, AVX2 or AVX-512 kernels returned NaN or different values for identical
 * inputs, depending on the thread and the run (the sample drive gave 0 to 23 detections from run
 * to run). Nothing failed; the findings were just wrong. Capping oneDNN at SSE4.1
 * ({@code ONEDNN_MAX_CPU_ISA=SSE41}) gave identical outputs every time; the build always sets it,
 * and {@code bin/vejsyn} checks the wide kernels once per CPU and keeps the cap only where they
 * misbehave. A road department must not get wrong findings silently, so every model load runs
 * fixed inputs (a flat grey frame, the letterbox colour, and a smooth pattern) through fresh
 * predictors on fresh threads, as the pipeline's workers do, and compares the outputs.
 */
final class RepeatabilityCheck {
    /** Runs per input; TorchScript's profiling executor changes its plan after two, so more than two. */
    static final int RUNS = 4;
    /** Largest difference accepted between runs: identical kernels give identical floats. */
    static final float TOLERANCE = 1e-3f;

    private RepeatabilityCheck() {}

    /** @throws IllegalStateException naming the difference and the cure when outputs disagree */
    static void require(ZooModel<?, ?> model, ModelSpec spec) {
        Shape shape = new Shape(1, 3, spec.inputHeight(), spec.inputWidth());
        int w = spec.inputWidth();
        int h = spec.inputHeight();
        float[] grey = new float[(int) shape.size()];
        java.util.Arrays.fill(grey, (float) (spec.padValue() * spec.scale()));
        float[] smooth = new float[grey.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    smooth[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin(x / 37.0 + c) * Math.cos(y / 23.0));
                }
            }
        }
        requireRepeatable(model, spec, shape, grey, "a grey frame");
        requireRepeatable(model, spec, shape, smooth, "a smooth pattern");
    }

    private static void requireRepeatable(ZooModel<?, ?> model, ModelSpec spec, Shape shape, float[] input,
            String what) {
        float[] first = null;
        for (int run = 1; run <= RUNS; run++) {
            float[] out = forwardOnFreshThread(model, input, shape, run);
            float worst = 0;
            for (int i = 0; i < out.length; i++) {
                float diff = first == null ? (Float.isFinite(out[i]) ? 0 : Float.NaN) : Math.abs(out[i] - first[i]);
                worst = Float.isNaN(diff) || Float.isNaN(worst) ? Float.NaN : Math.max(worst, diff);
            }
            if ((first != null && out.length != first.length) || !(worst <= TOLERANCE)) {
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "the model %s does not give the same, finite output for the same input on this machine "
                                + "(%s, run %d: %s): its detections could not be trusted. Start it with "
                                + "ONEDNN_MAX_CPU_ISA=SSE41 in the environment (the build does; bin/vejsyn chooses "
                                + "per CPU and remembers it in ~/.cache/vejsyn/onednn-isa-*: delete that file to "
                                + "check again; README, 'Platform notes')",
                        spec.modelFile().getFileName(), what, run,
                        Float.isNaN(worst) ? "not a number in the output" : "differs from run 1 by up to " + worst));
            }
            if (first == null) {
                first = out;
            }
        }
    }

    private static float[] forwardOnFreshThread(ZooModel<?, ?> model, float[] input, Shape shape, int run) {
        AtomicReference<float[]> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator(null));
                    NDManager m = NDManager.newBaseManager()) {
                try (NDList out = p.predict(new NDList(m.create(input, shape)))) {
                    result.set(out.singletonOrThrow().toFloatArray());
                }
            } catch (TranslateException | RuntimeException e) {
                failure.set(e);
            }
        }, "vejsyn-model-check-" + run);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the model", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the model cannot run: " + failure.get().getMessage(), failure.get());
        }
        return result.get();
    }
}
