package dk.vejsyn.inference.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
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
 * @param scoreThreshold score threshold chosen on validation data (max F1)
 * @param typeScoreThresholds per damage type thresholds ({@code thresholds.score_by_class}, e.g.
 *     {@code {"pothole": 0.28, "crack": 0.2}}) that replace {@code scoreThreshold} for their type;
 *     {@code crack}'s applies to the typed cracks too. Empty: one threshold for all
 * @param iouThreshold NMS IoU threshold
 * @param maxDetections cap on detections per frame after NMS
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
        Map<DamageType, Float> typeScoreThresholds,
        float iouThreshold,
        int maxDetections) {

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
        typeScoreThresholds = Map.copyOf(typeScoreThresholds);
        for (Map.Entry<DamageType, Float> e : typeScoreThresholds.entrySet()) {
            checkUnit("score threshold of " + e.getKey().wireName(), e.getValue());
        }
        checkUnit("IoU threshold", iouThreshold);
        if (maxDetections <= 0) {
            throw new IllegalArgumentException("max detections must be positive: " + maxDetections);
        }
    }

    /** The score threshold for detections of type {@code t}: its own, else a crack's for a typed crack, else the model's. */
    public float scoreThreshold(DamageType t) {
        Float own = typeScoreThresholds.get(t);
        if (own == null && t.isCrack()) {
            own = typeScoreThresholds.get(DamageType.CRACK);
        }
        return own != null ? own : scoreThreshold;
    }

    /** The score threshold of an evaluated class name ({@code pothole}, {@code crack}). */
    public float scoreThreshold(String className) {
        return scoreThreshold(DamageType.fromName(className));
    }

    /** The lowest threshold of any type: what the decoder keeps before the per-type thresholds. */
    public float scoreFloor() {
        float min = scoreThreshold;
        for (float v : typeScoreThresholds.values()) {
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
                    typeThresholds(thresholds.get("score_by_class")),
                    (float) thresholds.path("iou").asDouble(0.5),
                    thresholds.path("max_detections").asInt(100));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model metadata " + metadataFile + ": " + e.getMessage(), e);
        }
    }

    private static Map<DamageType, Float> typeThresholds(JsonNode byClass) {
        Map<DamageType, Float> out = new EnumMap<>(DamageType.class);
        if (byClass != null) {
            byClass.fields().forEachRemaining(e -> out.put(DamageType.fromName(e.getKey()), (float) e.getValue().asDouble()));
        }
        return out;
    }

    private static JsonNode required(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("model metadata " + file + " lacks field '" + field + "'");
        }
        return v;
    }

    /**
     * A copy with other thresholds (from configuration or the command line): {@code score} for
     * every type (the per-type thresholds are dropped).
     */
    public ModelSpec withThresholds(float score, float iou, int maxDet) {
        return new ModelSpec(modelFile, name, version, inputWidth, inputHeight, scale, padValue,
                outputClasses, classes, score, Map.of(), iou, maxDet);
    }

    /** A copy with another NMS IoU threshold; the score thresholds stay the model's. */
    public ModelSpec withIouThreshold(float iou) {
        return new ModelSpec(modelFile, name, version, inputWidth, inputHeight, scale, padValue,
                outputClasses, classes, scoreThreshold, typeScoreThresholds, iou, maxDetections);
    }

    /** A copy with another input size (both multiples of 32). */
    public ModelSpec withInputSize(int width, int height) {
        return new ModelSpec(modelFile, name, version, width, height, scale, padValue,
                outputClasses, classes, scoreThreshold, typeScoreThresholds, iouThreshold, maxDetections);
    }
}
