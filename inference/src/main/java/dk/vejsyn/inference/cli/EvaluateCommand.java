package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.evaluate.DatasetEvaluator;
import dk.vejsyn.inference.evaluate.DetectionMetrics;
import dk.vejsyn.inference.evaluate.GroundTruth;
import dk.vejsyn.inference.evaluate.LabelSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vejsyn evaluate}: the shipped model's accuracy on a labelled dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores the model on a labelled dataset (YOLO labels, layout of ../shared/datasets) for one damage class.",
            "Dataset class ids are mapped per source and label folder (models/README.md §2); a source not annotated",
            "for the class is refused for it (skipped, never scored as negatives).",
            "Last line: mAP50=… mAP50_95=… precision=… recall=… f1=… images=…"})
public class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Dataset folder with images/ and labels/.")
    Path dataset;

    @Option(names = "--split", paramLabel = "NAME", description = "train, val or test; all images when omitted.")
    String split;

    @Option(names = "--class", paramLabel = "CLASS", defaultValue = "pothole",
            description = "Damage class to score: pothole or crack (typed cracks count as crack). Default: ${DEFAULT-VALUE}.")
    String damageClass;

    @Option(names = "--model", paramLabel = "JSON", description = "Model metadata (default models/pothole-detector.json).")
    Path model;

    @Option(names = "--score", paramLabel = "P", description = "Threshold for precision/recall/F1 (default: the model's).")
    Float score;

    @Option(names = "--input-size", paramLabel = "WxH", description = "Model input size, multiples of 32 (default: the model's).")
    String inputSize;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N images (quick checks).")
    Integer limit;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dataset)) {
            throw new InputException("no such dataset folder: " + dataset);
        }
        String evaluated = damageClass.strip().toLowerCase(Locale.ROOT);
        if (!evaluated.equals(LabelSources.POTHOLE) && !evaluated.equals(LabelSources.CRACK)) {
            throw new InputException("--class must be pothole or crack: " + damageClass);
        }
        ModelSpec spec = ModelSpec.load(model != null ? model : ModelSpec.defaultMetadataFile());
        if (score != null) {
            spec = spec.withThresholds(score, spec.iouThreshold(), spec.maxDetections());
        }
        if (inputSize != null) {
            String[] wh = inputSize.toLowerCase(Locale.ROOT).split("x");
            try {
                spec = spec.withInputSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
            } catch (RuntimeException e) {
                throw new InputException("--input-size must be WxH with multiples of 32, e.g. 800x512: " + inputSize);
            }
        }
        List<String> names = GroundTruth.imageNames(dataset, split);
        if (limit != null) {
            names = names.subList(0, Math.min(limit, names.size()));
        }
        if (names.isEmpty()) {
            throw new InputException("no images in " + dataset + (split == null ? "" : " split " + split));
        }
        long t0 = System.nanoTime();
        int total = names.size();
        DetectionMetrics.Summary s = new DatasetEvaluator(spec).evaluate(dataset, names, evaluated, done -> {
            if (done % 50 == 0) {
                System.err.printf(Locale.ROOT, "evaluated %d/%d images%n", done, total);
            }
        });
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "dataset %s, split %s, class %s, %d images, input %dx%d, score threshold %.4f, %.1f s%n",
                dataset, split == null ? "all" : split, evaluated, s.images(), spec.inputWidth(), spec.inputHeight(),
                spec.scoreThreshold(evaluated), secs);
        // Every pass was guarded: a metric never comes from outputs of a broken runtime.
        System.out.println(dk.vejsyn.inference.detect.TorchRuntime.status().summary());
        System.out.printf(Locale.ROOT, "mAP@0.5      %.4f%nmAP@0.5:0.95 %.4f%nprecision    %.4f%nrecall       %.4f%nF1           %.4f%n",
                s.map50(), s.map5095(), s.precision(), s.recall(), s.f1());
        System.out.println(s.line());
        return 0;
    }
}
