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

    /** Scores the given images of a dataset; {@code progress} gets the count done. */
    public DetectionMetrics.Summary evaluate(Path dataset, List<String> names, IntConsumer progress) {
        ModelSpec evalSpec = spec.withThresholds(MAP_SCORE_FLOOR, spec.iouThreshold(), MAP_MAX_DETECTIONS);
        DetectionMetrics metrics = new DetectionMetrics(spec.classes().size());
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
                        scored.add(new DetectionMetrics.Scored(spec.classes().indexOf(d.type()), d.box(), d.score()));
                    }
                    metrics.add(scored, reportedTruth(GroundTruth.labels(dataset, name, frame.width(), frame.height())));
                }
                progress.accept(++done);
            }
        }
        return metrics.summary(spec.scoreThreshold());
    }

    /**
     * Ground truth of the reported classes, renumbered like the detections. A label's class id is
     * the model's output row; look-alike labels (rendered manhole covers, say) are not damage to
     * find, so they are neither hits nor misses.
     */
    private List<GroundTruth.Box> reportedTruth(List<GroundTruth.Box> labels) {
        List<GroundTruth.Box> out = new ArrayList<>();
        for (GroundTruth.Box b : labels) {
            if (b.classId() >= 0 && b.classId() < spec.outputClasses().size()) {
                DamageType t = spec.reportedType(b.classId());
                if (t != null) {
                    out.add(new GroundTruth.Box(spec.classes().indexOf(t), b.box()));
                }
            }
        }
        return out;
    }
}
