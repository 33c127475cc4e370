package dk.vejsyn.inference.detect;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.metric.Metric;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@link Detector} running a TorchScript model through DJL's PyTorch engine. Each instance owns
 * one {@code Predictor} and is used by one thread; several share one {@link DetectorModel}.
 *
 * <p>Every pass is guarded ({@link GuardedPass}). While the process runs oneDNN's kernels, a
 * detector also re-checks them against the trusted output of {@link RuntimeCheck} on its first
 * frame and every {@link #RECHECK_INTERVAL} frames after (about 0.5 % of the work): the fault
 * this guards against depended on the thread, and a worker thread is new.
 */
public final class DjlDetector implements Detector {
    /**
     * Frames between two re-checks of oneDNN on one detector (setting
     * {@code vejsyn.runtime.recheck-interval}, default 200).
     */
    static final int RECHECK_INTERVAL = Math.max(1, Integer.getInteger("vejsyn.runtime.recheck-interval", 200));
    private final int recheckInterval;

    private final Predictor<Frame, List<Detection>> predictor;
    private final FrameTranslator translator;
    private final StageTimes times;
    private final DetectorModel model;
    private Predictor<NDList, NDList> checkPredictor;
    private int framesSinceCheck;

    DjlDetector(DetectorModel model, Predictor<Frame, List<Detection>> predictor, FrameTranslator translator,
            StageTimes times) {
        this.model = model;
        this.predictor = predictor;
        this.translator = translator;
        this.times = times;
        this.recheckInterval = model.recheckInterval;
        this.framesSinceCheck = recheckInterval; // the first frame of a new worker is re-checked
    }

    @Override
    public List<Detection> detect(Frame frame) {
        if (++framesSinceCheck >= recheckInterval && TorchRuntime.active() == TorchRuntime.Convolutions.ONEDNN) {
            framesSinceCheck = 0;
            recheck();
        }
        // DJL times the call's stages itself (in microseconds); a fresh record per call holds this
        // frame's only, summed over the attempts of a guarded pass.
        Metrics calls = new Metrics();
        predictor.setMetrics(calls);
        List<Detection> result = GuardedPass.run(frame, () -> predictor.predict(frame));
        times.add(Stage.PREPROCESS, micros(calls, "Preprocess"));
        times.add(Stage.INFERENCE, micros(calls, "Inference"));
        times.add(Stage.POSTPROCESS, micros(calls, "Postprocess"));
        return result;
    }

    /** Nanoseconds of a DJL predictor stage metric (recorded in microseconds), summed over its values. */
    private static long micros(Metrics m, String stage) {
        long sum = 0;
        if (m.hasMetric(stage)) {
            for (Metric v : m.getMetric(stage)) {
                sum += v.getValue().longValue();
            }
        }
        return sum * 1000;
    }

    /** The trusted input through this thread's oneDNN kernels; any difference ends their use. */
    private void recheck() {
        RuntimeCheck.Reference ref = model.reference;
        if (checkPredictor == null) {
            checkPredictor = model.model.newPredictor(new NoopTranslator(null));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] out = RuntimeCheck.forward(checkPredictor, m, ref.input(), ref.shape(), model.faults);
            TorchRuntime.countCheck();
            double d = OutputGuard.mismatch(out, ref.trusted());
            if (!(d <= 1)) {
                TorchRuntime.failover("re-check on thread " + Thread.currentThread().getName() + ": "
                        + OutputGuard.describe(d));
            }
        } catch (ai.djl.translate.TranslateException | RuntimeException e) {
            TorchRuntime.failover("re-check failed on thread " + Thread.currentThread().getName() + ": " + e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        if (checkPredictor != null) {
            checkPredictor.close();
        }
        translator.close();
    }

    /**
     * Forward passes of prepared input tensors, guarded like {@link DjlDetector#detect}: for the
     * model-only benchmark, which must measure the same trusted work the pipeline does. One per
     * thread.
     */
    public static final class Forward implements AutoCloseable {
        private final Predictor<NDList, NDList> predictor;
        private final NDManager manager = NDManager.newBaseManager();
        private final ModelSpec spec;
        private final Shape shape;
        private final OutputFaults faults;

        private Forward(DetectorModel model) {
            this.predictor = model.model.newPredictor(new NoopTranslator(null));
            this.spec = model.spec;
            this.shape = new Shape(1, 3, spec.inputHeight(), spec.inputWidth());
            this.faults = model.faults;
        }

        /** The raw output {@code [4 + C, N]} for an NCHW float32 input in native byte order. */
        public float[] run(ByteBuffer input) {
            return GuardedPass.run("a prepared tensor", () -> {
                TorchRuntime.Convolutions kernels = TorchRuntime.active();
                try (NDManager m = manager.newSubManager();
                        NDList out = predictor.predict(new NDList(m.create(input.duplicate(), shape, DataType.FLOAT32)))) {
                    return OutputGuard.require(faults.apply(out.singletonOrThrow().toFloatArray(), kernels), spec);
                }
            });
        }

        @Override
        public void close() {
            predictor.close();
            manager.close();
        }
    }

    /**
     * A loaded model that hands out one detector per worker thread. Close it after every
     * detector made from it is closed.
     */
    public static final class DetectorModel implements DetectorFactory, AutoCloseable {
        private final ModelSpec spec;
        private final ZooModel<Frame, List<Detection>> model;
        private final RuntimeCheck.Reference reference;
        private final OutputFaults faults;
        private final int recheckInterval;

        private DetectorModel(ModelSpec spec, ZooModel<Frame, List<Detection>> model, RuntimeCheck.Reference reference,
                OutputFaults faults, int recheckInterval) {
            this.spec = spec;
            this.model = model;
            this.reference = reference;
            this.faults = faults;
            this.recheckInterval = recheckInterval;
        }

        /**
         * Loads the TorchScript file named by {@code spec}; never downloads anything. Decides
         * which kernels this process may trust ({@link RuntimeCheck}) and refuses a machine on
         * which even libtorch's own kernels give impossible or varying outputs.
         */
        public static DetectorModel load(ModelSpec spec) {
            return load(spec, OutputFaults.NONE);
        }

        /** As {@link #load(ModelSpec)}, with outputs changed by {@code faults} (tests only). */
        static DetectorModel load(ModelSpec spec, OutputFaults faults) {
            return load(spec, faults, RECHECK_INTERVAL);
        }

        /** As {@link #load(ModelSpec, OutputFaults)}, re-checking oneDNN every {@code recheckInterval} frames. */
        @SuppressWarnings("unchecked")
        static DetectorModel load(ModelSpec spec, OutputFaults faults, int recheckInterval) {
            Criteria<Frame, List<Detection>> criteria = Criteria.builder()
                    .setTypes(Frame.class, (Class<List<Detection>>) (Class<?>) List.class)
                    .optModelPath(spec.modelFile())
                    .optEngine("PyTorch")
                    // The translator is per predictor; this one only satisfies model loading.
                    .optTranslator(new FrameTranslator(spec))
                    .build();
            ZooModel<Frame, List<Detection>> model;
            try {
                model = criteria.loadModel();
            } catch (IOException | ModelNotFoundException | MalformedModelException | ai.djl.engine.EngineException e) {
                throw new IllegalArgumentException("cannot load model " + spec.modelFile() + ": " + e.getMessage(), e);
            }
            try {
                return new DetectorModel(spec, model, RuntimeCheck.run(model, spec, faults), faults, recheckInterval);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }

        public ModelSpec spec() {
            return spec;
        }

        /** A new detector with its own predictor and translator; timings go to {@code times}. */
        @Override
        public DjlDetector newDetector(StageTimes times) {
            FrameTranslator translator = new FrameTranslator(spec, faults);
            return new DjlDetector(this, model.newPredictor(translator), translator, times);
        }

        /** Guarded forward passes of prepared tensors, for the model-only benchmark; one per thread. */
        public Forward newForward() {
            return new Forward(this);
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
