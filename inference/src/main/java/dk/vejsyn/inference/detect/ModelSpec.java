package dk.vejsyn.inference.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Java side needs to know about a shipped model, read from its metadata file
 * ({@code models/pothole-detector.json}, contract in {@code models/README.md}).
 *
 * <p>Input: float32 {@code [1, 3, H, W]}, RGB, pixel values times {@code scale}, letterboxed
 * with {@code padValue}. Output: float32 {@code [1, 4 + C, N]}, rows 0..3 box centre x, centre y,
 * width, height in input-tensor pixels, rows 4.. per-class sigmoid probabilities.
 *
 * <p>The model may have more output classes than it reports: look-alikes such as manhole covers
 * or road paint are trained as classes of their own so the network learns what is <em>not</em> a
 * pothole. An anchor whose best class is such a class yields no detection.
 *
 * @param modelFile the TorchScript file beside the metadata file
 * @param name model name
 * @param version model version
 * @param inputWidth recommended input width (multiple of 32)
 * @param inputHeight recommended input height (multiple of 32)
 * @param scale pixel scale factor (1/255)
 * @param padValue letterbox padding in 0..255 pixel units
 * @param outputClasses name of each output class row, in order ({@code classes} in the metadata)
 * @param classes the damage types the model reports ({@code reported_classes}, default: all
 *     output classes), each the type of one output row
 * @param scoreThreshold score threshold chosen on validation data (max F1); for every output row
 *     without a threshold of its own
 * @param iouThreshold NMS IoU threshold
 * @param maxDetections cap on detections per frame after NMS
 * @param classScoreThresholds score thresholds of single output rows, by output class name
 *     ({@code thresholds.score_by_class} in the metadata, optional: a model may choose a
 *     threshold per class on validation data, e.g. a lower one for cracks than for potholes)
 */
public record ModelSpec(
        Path modelFile,
        String name,
        String version,
        int inputWidth,
        int inputHeight,
        double scale,
        int padValue,
        List<String> outputClasses,
        List<DamageType> classes,
        float scoreThreshold,
        float iouThreshold,
        int maxDetections,
        Map<String, Float> classScoreThresholds) {

    public ModelSpec {
        Objects.requireNonNull(modelFile, "modelFile");
        if (inputWidth <= 0 || inputHeight <= 0 || inputWidth % 32 != 0 || inputHeight % 32 != 0) {
            throw new IllegalArgumentException(
                    "model input size must be positive multiples of 32: " + inputWidth + "x" + inputHeight);
        }
        if (outputClasses.isEmpty() || classes.isEmpty()) {
            throw new IllegalArgumentException("model metadata lists no classes");
        }
        outputClasses = List.copyOf(outputClasses);
        classes = List.copyOf(classes);
        for (DamageType t : classes) {
            if (rowOf(outputClasses, t) < 0) {
                throw new IllegalArgumentException("reported class " + t.wireName() + " is not an output class "
                        + outputClasses);
            }
        }
        checkUnit("score threshold", scoreThreshold);
        checkUnit("IoU threshold", iouThreshold);
        if (maxDetections <= 0) {
            throw new IllegalArgumentException("max detections must be positive: " + maxDetections);
        }
        classScoreThresholds = classScoreThresholds == null ? Map.of() : Map.copyOf(classScoreThresholds);
        for (Map.Entry<String, Float> e : classScoreThresholds.entrySet()) {
            if (!outputClasses.contains(e.getKey())) {
                throw new IllegalArgumentException("score threshold for '" + e.getKey() + "', which is not an output class "
                        + outputClasses);
            }
            checkUnit("score threshold of class " + e.getKey(), e.getValue());
        }
    }

    /** A model with one score threshold for every class. */
    public ModelSpec(Path modelFile, String name, String version, int inputWidth, int inputHeight, double scale,
            int padValue, List<String> outputClasses, List<DamageType> classes, float scoreThreshold,
            float iouThreshold, int maxDetections) {
        this(modelFile, name, version, inputWidth, inputHeight, scale, padValue, outputClasses, classes,
                scoreThreshold, iouThreshold, maxDetections, Map.of());
    }

    /** The score threshold of output row {@code row}: its own, else {@link #scoreThreshold()}. */
    public float scoreThreshold(int row) {
        return classScoreThresholds.getOrDefault(outputClasses.get(row), scoreThreshold);
    }

    /** {@link #scoreThreshold(int)} of every output row, in row order. */
    public float[] rowScoreThresholds() {
        float[] t = new float[outputClasses.size()];
        for (int r = 0; r < t.length; r++) {
            t[r] = scoreThreshold(r);
        }
        return t;
    }

    /**
     * The score threshold for detections of type {@code t}: its output row's (a typed crack comes
     * from the {@code crack} row), else the model's.
     */
    public float scoreThreshold(DamageType t) {
        Float own = classScoreThresholds.get(t.wireName());
        if (own == null && t.isCrack()) {
            own = classScoreThresholds.get(DamageType.CRACK.wireName());
        }
        return own != null ? own : scoreThreshold;
    }

    /** The score threshold of an evaluated class name ({@code pothole}, {@code crack}). */
    public float scoreThreshold(String className) {
        return scoreThreshold(DamageType.fromName(className));
    }

    /** The lowest threshold of any row: what a decoder keeps before the per-row thresholds. */
    public float scoreFloor() {
        float min = scoreThreshold;
        for (float v : classScoreThresholds.values()) {
            min = Math.min(min, v);
        }
        return min;
    }

    /** The damage type output row {@code row} reports, or null for a look-alike class. */
    public DamageType reportedType(int row) {
        String name = outputClasses.get(row);
        for (DamageType t : classes) {
            if (matches(name, t)) {
                return t;
            }
        }
        return null;
    }

    private static int rowOf(List<String> outputClasses, DamageType t) {
        for (int i = 0; i < outputClasses.size(); i++) {
            if (matches(outputClasses.get(i), t)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(String name, DamageType t) {
        try {
            return DamageType.fromName(name) == t;
        } catch (IllegalArgumentException notADamageType) {
            return false;
        }
    }

    private static void checkUnit(String what, float v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1]: " + v);
        }
    }

    /**
     * The model to use when none is named: the file given by system property {@code vejsyn.model}
     * (or environment variable {@code VEJSYN_MODEL}), else the one shipped in {@code models/}.
     */
    public static Path defaultMetadataFile() {
        String override = System.getProperty("vejsyn.model", System.getenv("VEJSYN_MODEL"));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String root = System.getProperty("vejsyn.repo.root");
        Path base = root != null ? Path.of(root) : Path.of(".");
        return base.resolve("models").resolve("pothole-detector.json");
    }

    /** Reads a metadata file; the TorchScript file has the same name with extension {@code .pt}. */
    public static ModelSpec load(Path metadataFile) {
        if (!Files.isRegularFile(metadataFile)) {
            throw new IllegalArgumentException("model metadata not found: " + metadataFile);
        }
        try {
            JsonNode root = new ObjectMapper().readTree(metadataFile.toFile());
            String fileName = metadataFile.getFileName().toString().replaceFirst("\\.json$", "") + ".pt";
            Path modelFile = metadataFile.resolveSibling(fileName);
            if (!Files.isRegularFile(modelFile)) {
                throw new IllegalArgumentException("model file not found: " + modelFile);
            }
            JsonNode input = required(root, "input", metadataFile);
            JsonNode thresholds = required(root, "thresholds", metadataFile);
            List<String> outputClasses = new ArrayList<>();
            for (JsonNode c : required(root, "classes", metadataFile)) {
                outputClasses.add(c.asText());
            }
            List<DamageType> classes = new ArrayList<>();
            for (JsonNode c : root.has("reported_classes") ? root.get("reported_classes") : root.get("classes")) {
                classes.add(DamageType.fromName(c.asText()));
            }
            Map<String, Float> perClass = new LinkedHashMap<>();
            JsonNode perClassNode = thresholds.get("score_by_class");
            if (perClassNode != null && !perClassNode.isNull()) {
                if (!perClassNode.isObject()) {
                    throw new IllegalArgumentException("model metadata " + metadataFile
                            + ": thresholds.score_by_class must be an object of class name to score");
                }
                perClassNode.fields().forEachRemaining(e -> perClass.put(e.getKey(), (float) e.getValue().asDouble(-1)));
            }
            return new ModelSpec(
                    modelFile,
                    root.path("name").asText("model"),
                    root.path("version").asText("unknown"),
                    required(input, "width", metadataFile).asInt(),
                    required(input, "height", metadataFile).asInt(),
                    input.path("scale").asDouble(1 / 255.0),
                    input.path("pad_value").asInt(114),
                    outputClasses,
                    classes,
                    (float) required(thresholds, "score", metadataFile).asDouble(),
                    (float) thresholds.path("iou").asDouble(0.5),
                    thresholds.path("max_detections").asInt(100),
                    perClass);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model metadata " + metadataFile + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("model metadata " + file + " lacks field '" + field + "'");
        }
        return v;
    }

    /**
     * A copy with other thresholds (from configuration or the command line). The score threshold
     * given holds for every class: an operator's (or the evaluator's) explicit threshold replaces
     * the model's per-class ones too.
     */
    public ModelSpec withThresholds(float score, float iou, int maxDet) {
        return new ModelSpec(modelFile, name, version, inputWidth, inputHeight, scale, padValue,
                outputClasses, classes, score, iou, maxDet, Map.of());
    }

    /**
     * A copy that reports {@code extra} too, for measuring an output row the product does not report
     * (a look-alike row the model was trained on, such as {@code crack} before it is good enough).
     */
    public ModelSpec alsoReporting(DamageType extra) {
        if (classes.contains(extra)) {
            return this;
        }
        List<DamageType> more = new ArrayList<>(classes);
        more.add(extra);
        return new ModelSpec(modelFile, name, version, inputWidth, inputHeight, scale, padValue,
                outputClasses, more, scoreThreshold, iouThreshold, maxDetections, classScoreThresholds);
    }

    /** A copy with another NMS IoU threshold; the score thresholds stay the model's. */
    public ModelSpec withIouThreshold(float iou) {
        return new ModelSpec(modelFile, name, version, inputWidth, inputHeight, scale, padValue,
                outputClasses, classes, scoreThreshold, iou, maxDetections, classScoreThresholds);
    }

    /** A copy with another input size (both multiples of 32). */
    public ModelSpec withInputSize(int width, int height) {
        return new ModelSpec(modelFile, name, version, width, height, scale, padValue,
                outputClasses, classes, scoreThreshold, iouThreshold, maxDetections, classScoreThresholds);
    }
}
