package dk.vejsyn.inference.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dk.vejsyn.inference.detect.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java evaluator (production decoding) agrees with the Python reference evaluator within
 * 0.01 mAP@0.5 on the same images, for potholes and, when the model reports them, cracks. The
 * reference figures are written by {@code models/training/parity.sh} whenever the model is
 * exported; the images are read from {@code ../shared/datasets}, never copied.
 */
class EvaluatorParityTest {
    private static final Path ROOT = Path.of(System.getProperty("vejsyn.repo.root", "..")).toAbsolutePath();
    private static final Pattern KV = Pattern.compile("(\\w+)=(\\S+)");

    private static Map<String, String> parse(String line) {
        Matcher m = KV.matcher(line);
        Map<String, String> out = new java.util.HashMap<>();
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"dnit-brazil-highway-potholes, pothole", "chitholian-annotated-potholes, pothole",
        "dnit-brazil-highway-potholes, crack", "rdd2022-china-motorbike, crack"})
    void javaAgreesWithPython(String source, String damageClass) throws Exception {
        Path datasets = ROOT.resolve("../shared/datasets").normalize();
        assumeTrue(Files.isDirectory(datasets.resolve(source)), "../shared/datasets not beside the repository");
        ModelSpec spec = ModelSpec.load(ModelSpec.defaultMetadataFile());
        // A row the shipped model does not report (crack, for now) is measured all the same.
        assumeTrue(spec.outputClasses().contains(damageClass), "the shipped model has no " + damageClass + " output");
        List<String> lines;
        Path figures = ROOT.resolve("models/parity/" + source + ("pothole".equals(damageClass) ? "" : "-" + damageClass) + ".txt");
        try (Stream<String> s = Files.lines(figures)) {
            lines = s.filter(l -> !l.startsWith("#")).collect(Collectors.toList());
        }
        Map<String, String> header = parse(lines.get(0));
        Map<String, String> expected = parse(lines.get(1));
        assertThat(header.get("model")).as("parity figures are for the shipped model").isEqualTo(spec.version());

        Path dataset = datasets.resolve(source);
        List<String> names = GroundTruth.imageNames(dataset, header.get("split"));
        names = names.subList(0, Integer.parseInt(header.get("first")));
        DetectionMetrics.Summary java = new DatasetEvaluator(spec).evaluate(dataset, names, damageClass, n -> { });

        assertThat(java.images()).isEqualTo(Integer.parseInt(expected.get("images")));
        assertThat(java.map50()).isCloseTo(Double.parseDouble(expected.get("mAP50")), within(0.01));
        assertThat(java.recall()).isCloseTo(Double.parseDouble(expected.get("recall")), within(0.02));
    }
}
