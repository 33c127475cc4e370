package dk.vejsyn.inference.evaluate;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.StageTimes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Runs the production detector (same translator, decoding and NMS as {@code detect}) over a
 * labelled dataset and scores it. Detections are kept down to score 0.001 and at most 300 per
 * image for mAP, as in the Python reference; precision/recall/F1 use the shipped threshold.
 */
public final class DatasetEvaluator {
    /** Pre-NMS score floor and detection cap for mAP, matching the reference protocol. */
    public static final float MAP_SCORE_FLOOR = 0.001f;
    public static final int MAP_MAX_DETECTIONS = 300;

    private final ModelSpec spec;

    public DatasetEvaluator(ModelSpec spec) {
        this.spec = spec;
    }

    /** Scores the given images of a dataset for potholes; {@code progress} gets the count done. */
    public DetectionMetrics.Summary evaluate(Path dataset, List<String> names, IntConsumer progress) {
        return evaluate(dataset, names, LabelSources.POTHOLE, progress);
    }

    /**
     * Scores the given images of a dataset for one damage class, {@code pothole} or {@code crack}
     * (typed crack labels and detections count as {@code crack}). Detections are decoded with
     * every reported class, as in {@code detect}, and the cap of 300 per image applies to them all;
     * then only those of the evaluated class, and only labels of it, are scored.
     *
     * <p>A class the model has an output row for but does not report (its metadata's
     * {@code reported_classes}) is measured all the same, decoded as if it were reported.
     *
     * @throws InputException if the model has no output for the class, or the dataset's source is not
     *     annotated for it (such a source is skipped for the class, never scored as negatives)
     */
    public DetectionMetrics.Summary evaluate(Path dataset, List<String> names, String evaluated, IntConsumer progress) {
        LabelSources.Source source = LabelSources.of(dataset);
        if (!source.annotates(evaluated)) {
            throw new InputException(dataset + " (" + source.name() + ") is not annotated for " + evaluated
                    + ": skipped for it (its images are no negatives for " + evaluated + ")");
        }
        ModelSpec measured = spec;
        if (spec.classes().stream().noneMatch(t -> isEvaluated(t, evaluated))) {
            // A row the product does not report (yet) is still measured: that is how it is judged.
            DamageType row = DamageType.fromName(evaluated);
            if (!spec.outputClasses().contains(row.wireName())) {
                throw new InputException("the model " + spec.version() + " has no " + evaluated + " output (classes "
                        + spec.outputClasses() + " in its metadata)");
            }
            measured = spec.alsoReporting(row);
        }
        ModelSpec evalSpec = measured.withThresholds(MAP_SCORE_FLOOR, spec.iouThreshold(), MAP_MAX_DETECTIONS);
        DetectionMetrics metrics = new DetectionMetrics(1);
        try (DjlDetector.DetectorModel model = DjlDetector.DetectorModel.load(evalSpec);
                Detector detector = model.newDetector(new StageTimes())) {
            int done = 0;
            for (String name : names) {
                Path file = dataset.resolve("images").resolve(name);
                Mat img = imread(file.toString(), IMREAD_COLOR);
                if (img == null || img.empty()) {
                    throw new InputException("cannot decode image " + file);
                }
                List<DetectionMetrics.Scored> scored = new ArrayList<>();
                try (Frame frame = new Frame(done, file.toString(), null, img)) {
                    for (Detection d : detector.detect(frame)) {
                        if (isEvaluated(d.type(), evaluated)) {
                            scored.add(new DetectionMetrics.Scored(0, d.box(), d.score()));
                        }
                    }
                    metrics.add(scored, truthOf(GroundTruth.labels(source, dataset, name, frame.width(), frame.height()),
                            evaluated));
                }
                progress.accept(++done);
            }
        }
        return metrics.summary(spec.scoreThreshold(evaluated));
    }

    /** True if detections of type {@code t} count as the evaluated class. */
    static boolean isEvaluated(DamageType t, String evaluated) {
        return LabelSources.CRACK.equals(evaluated) ? t.isCrack() : t.wireName().equals(evaluated);
    }

    /**
     * The labels of the evaluated class (typed cracks as {@code crack}), as class 0. Labels of other
     * classes (look-alikes such as rendered manhole covers, or potholes when scoring cracks) are
     * neither hits nor misses.
     */
    static List<GroundTruth.Box> truthOf(List<GroundTruth.Label> labels, String evaluated) {
        List<GroundTruth.Box> out = new ArrayList<>();
        for (GroundTruth.Label l : labels) {
            if (LabelSources.evaluatedClass(l.className()).equals(evaluated)) {
                out.add(new GroundTruth.Box(0, l.box()));
            }
        }
        return out;
    }
}
