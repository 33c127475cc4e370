package dk.vejsyn.inference.detect;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.io.IOException;
import java.util.List;

/**
 * {@link Detector} running a TorchScript model through DJL's PyTorch engine. Each instance owns
 * one {@code Predictor} and is used by one thread; several share one {@link DetectorModel}.
 */
public final class DjlDetector implements Detector {
    private final Predictor<Frame, List<Detection>> predictor;
    private final FrameTranslator translator;
    private final StageTimes times;

    DjlDetector(Predictor<Frame, List<Detection>> predictor, FrameTranslator translator, StageTimes times) {
        this.predictor = predictor;
        this.translator = translator;
        this.times = times;
    }

    @Override
    public List<Detection> detect(Frame frame) {
        long t0 = System.nanoTime();
        try {
            List<Detection> result = predictor.predict(frame);
            // The translator times pre- and postprocessing; the rest of the call is the forward pass.
            long elapsed = System.nanoTime() - t0;
            times.add(Stage.INFERENCE, Math.max(0, elapsed - translator.lastPrePostNanos()));
            return result;
        } catch (TranslateException e) {
            throw new IllegalStateException("detection failed on " + frame + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        translator.close();
    }

    /**
     * A loaded model that hands out one detector per worker thread. Close it after every
     * detector made from it is closed.
     */
    public static final class DetectorModel implements DetectorFactory, AutoCloseable {
        private final ModelSpec spec;
        private final ZooModel<Frame, List<Detection>> model;

        private DetectorModel(ModelSpec spec, ZooModel<Frame, List<Detection>> model) {
            this.spec = spec;
            this.model = model;
        }

        /**
         * Loads the TorchScript file named by {@code spec}; never downloads anything. Refuses a
         * runtime whose outputs are not repeatable ({@link RepeatabilityCheck}).
         */
        @SuppressWarnings("unchecked")
        public static DetectorModel load(ModelSpec spec) {
            Criteria<Frame, List<Detection>> criteria = Criteria.builder()
                    .setTypes(Frame.class, (Class<List<Detection>>) (Class<?>) List.class)
                    .optModelPath(spec.modelFile())
                    .optEngine("PyTorch")
                    // The translator is per predictor; this one only satisfies model loading.
                    .optTranslator(new FrameTranslator(spec, new StageTimes()))
                    .build();
            ZooModel<Frame, List<Detection>> model;
            try {
                model = criteria.loadModel();
            } catch (IOException | ModelNotFoundException | MalformedModelException | ai.djl.engine.EngineException e) {
                throw new IllegalArgumentException("cannot load model " + spec.modelFile() + ": " + e.getMessage(), e);
            }
            try {
                RepeatabilityCheck.require(model, spec);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            return new DetectorModel(spec, model);
        }

        public ModelSpec spec() {
            return spec;
        }

        /** A new detector with its own predictor and translator; timings go to {@code times}. */
        @Override
        public DjlDetector newDetector(StageTimes times) {
            FrameTranslator translator = new FrameTranslator(spec, times);
            return new DjlDetector(model.newPredictor(translator), translator, times);
        }

        /** The underlying DJL model, for the model-only benchmark. */
        public ZooModel<Frame, List<Detection>> djlModel() {
            return model;
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
