package dk.vejsyn.inference.detect;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at every model load which convolution kernels the process may trust, by evidence from
 * this start only (see {@link TorchRuntime} for the fault it guards against).
 *
 * <ol>
 *   <li>Trusted outputs: two fixed inputs (the letterbox grey, a smooth pattern) through libtorch's
 *       own kernels on fresh threads; the pattern twice, which must agree, and every output must
 *       pass {@link OutputGuard}. If even these fail, the model is refused: nothing on this
 *       machine could be trusted.
 *   <li>Unless configured to {@code aten}: the same inputs through oneDNN on two threads at once,
 *       each a new thread with a new predictor, as the workers run them (the fault depended on
 *       the thread). Every output must match the trusted one within rounding.
 * </ol>
 *
 * <p>Measured on the AMD EPYC VM where oneDNN is wrong: the check rejected oneDNN at 30 of 30
 * starts, in 0.6–1.2 s (docs/BENCHMARKS.md). The trusted pattern output is kept for the periodic
 * re-check in {@link DjlDetector}.
 */
final class RuntimeCheck {
    private static final Logger log = LoggerFactory.getLogger(RuntimeCheck.class);

    /** Threads running oneDNN at once during the check, and passes of the pattern each. */
    static final int THREADS = 2;
    static final int PATTERN_PASSES = 2;

    /** A fixed input and its trusted output, for re-checking the kernels while detecting. */
    record Reference(float[] input, Shape shape, float[] trusted) {}

    private RuntimeCheck() {}

    /** Runs the check and sets the process's kernels; returns the pattern's trusted output. */
    static Reference run(ZooModel<?, ?> model, ModelSpec spec, OutputFaults faults) {
        TorchRuntime.prepare();
        TorchRuntime.Policy policy = TorchRuntime.Policy.fromSettings();
        Shape shape = new Shape(1, 3, spec.inputHeight(), spec.inputWidth());
        float[] grey = greyInput(spec);
        float[] pattern = patternInput(spec);
        synchronized (TorchRuntime.checkLock()) {
            long t0 = System.nanoTime();
            TorchRuntime.use(TorchRuntime.Convolutions.ATEN);
            // Two fresh threads at once (the machine has two cores): the pattern on both, to see
            // that the trusted kernels repeat themselves, and the grey frame on the first.
            List<float[]> first = new ArrayList<>();
            List<float[]> second = new ArrayList<>();
            runOnFreshThreads(() -> {
                first.add(forwardOnThisThread(model, pattern, shape, faults));
                first.add(forwardOnThisThread(model, grey, shape, faults));
            }, () -> second.add(forwardOnThisThread(model, pattern, shape, faults)));
            float[] patternTrusted = requireSane(first.get(0), spec, "a pattern");
            float[] greyTrusted = requireSane(first.get(1), spec, "a grey frame");
            double repeat = OutputGuard.mismatch(second.get(0), patternTrusted);
            TorchRuntime.countCheck();
            if (!(repeat <= 1)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "the model %s gives different outputs for "
                        + "the same input even with libtorch's own kernels on this machine (%.3g x the tolerance): its "
                        + "detections could not be trusted", spec.modelFile().getFileName(), repeat));
            }
            Reference reference = new Reference(pattern, shape, patternTrusted);
            if (policy == TorchRuntime.Policy.ATEN) {
                TorchRuntime.decided(TorchRuntime.Convolutions.ATEN, "configured: vejsyn.runtime.convolutions=aten");
                return reference;
            }
            if (!TorchRuntime.oneDnnAllowed()) {
                TorchRuntime.decided(TorchRuntime.Convolutions.ATEN, TorchRuntime.status().reason());
                return reference;
            }
            TorchRuntime.use(TorchRuntime.Convolutions.ONEDNN);
            String problem = compareOnThreads(model, shape, new float[][] {grey, pattern},
                    new float[][] {greyTrusted, patternTrusted}, faults);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (problem == null) {
                TorchRuntime.decided(TorchRuntime.Convolutions.ONEDNN, String.format(Locale.ROOT,
                        "oneDNN matched libtorch's own kernels on %d passes on %d threads at this start, check %d ms",
                        THREADS * (PATTERN_PASSES + 1), THREADS, ms));
                log.info("runtime check ({} ms): oneDNN's convolutions are exact here; using them", ms);
                return reference;
            }
            String why = "oneDNN differed from libtorch's own kernels at this start: " + problem + "; check " + ms + " ms";
            if (policy == TorchRuntime.Policy.ONEDNN) {
                TorchRuntime.decided(TorchRuntime.Convolutions.ATEN, why);
                throw new IllegalStateException("vejsyn.runtime.convolutions=onednn, but " + why
                        + "; start with auto or aten (README, 'Platform notes')");
            }
            TorchRuntime.decided(TorchRuntime.Convolutions.ATEN, why);
            log.info("runtime check ({} ms): {}; using libtorch's own kernels (exact, slower on CPUs where oneDNN "
                    + "works)", ms, why);
            return reference;
        }
    }

    private static String compareOnThreads(ZooModel<?, ?> model, Shape shape, float[][] inputs, float[][] trusted,
            OutputFaults faults) {
        AtomicReference<String> problem = new AtomicReference<>();
        Runnable[] tasks = new Runnable[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            tasks[t] = () -> {
                try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator(null));
                        NDManager m = NDManager.newBaseManager()) {
                    for (int pass = 0; pass < PATTERN_PASSES + 1 && problem.get() == null; pass++) {
                        int which = pass == 0 ? 0 : 1;
                        float[] out = forward(p, m, inputs[which], shape, faults);
                        TorchRuntime.countCheck();
                        double d = OutputGuard.mismatch(out, trusted[which]);
                        if (!(d <= 1)) {
                            problem.compareAndSet(null, String.format(Locale.ROOT, "%s, thread %d, pass %d: %s",
                                    which == 0 ? "grey frame" : "pattern", id + 1, pass + 1, OutputGuard.describe(d)));
                        }
                    }
                } catch (TranslateException | RuntimeException e) {
                    problem.compareAndSet(null, "thread " + (id + 1) + " failed: " + e.getMessage());
                }
            };
        }
        runOnFreshThreads(tasks);
        return problem.get();
    }

    private static float[] requireSane(float[] out, ModelSpec spec, String what) {
        String problem = OutputGuard.problem(out, spec);
        if (problem != null) {
            throw new IllegalStateException("the model " + spec.modelFile().getFileName() + " gives an impossible output "
                    + "for " + what + " even with libtorch's own kernels on this machine (" + problem
                    + "): its detections could not be trusted");
        }
        return out;
    }

    /** One pass through {@code p}; the output as it leaves the model (after injected faults). */
    static float[] forward(Predictor<NDList, NDList> p, NDManager parent, float[] input, Shape shape,
            OutputFaults faults) throws TranslateException {
        TorchRuntime.Convolutions kernels = TorchRuntime.active();
        try (NDManager m = parent.newSubManager(); NDList out = p.predict(new NDList(m.create(input, shape)))) {
            return faults.apply(out.singletonOrThrow().toFloatArray(), kernels);
        }
    }

    private static float[] forwardOnThisThread(ZooModel<?, ?> model, float[] input, Shape shape, OutputFaults faults) {
        try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator(null));
                NDManager m = NDManager.newBaseManager()) {
            return forward(p, m, input, shape, faults);
        } catch (TranslateException e) {
            throw new IllegalStateException("the model cannot run: " + e.getMessage(), e);
        }
    }

    /** Runs each task on a new thread, all at once; rethrows the first failure. */
    private static void runOnFreshThreads(Runnable... tasks) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            threads.add(new Thread(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }, "vejsyn-runtime-check"));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking the runtime", e);
            }
        }
        Throwable f = failure.get();
        if (f instanceof IllegalStateException ise) {
            throw ise;
        }
        if (f != null) {
            throw new IllegalStateException("the model cannot run: " + f.getMessage(), f);
        }
    }

    /** The letterbox colour everywhere: what the padding of every frame looks like. */
    static float[] greyInput(ModelSpec spec) {
        float[] grey = new float[3 * spec.inputHeight() * spec.inputWidth()];
        java.util.Arrays.fill(grey, (float) (spec.padValue() * spec.scale()));
        return grey;
    }

    /** A smooth pattern with fine detail, so that every layer sees varied values. */
    static float[] patternInput(ModelSpec spec) {
        int w = spec.inputWidth();
        int h = spec.inputHeight();
        float[] in = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    in[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin(x / 37.0 + c) * Math.cos(y / 23.0)
                            + 0.05 * Math.sin(x * y / 101.0));
                }
            }
        }
        return in;
    }
}
