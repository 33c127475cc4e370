package dk.vejsyn.inference.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dk.vejsyn.inference.detect.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The accuracy targets for the shipped model, measured with the production decoding on the whole
 * test split of each source: potholes (issue 3) mAP@0.5 at least 0.60 (DNIT Brazil) and 0.70
 * (Chitholian); cracks (issue 15) at least 0.40 on DNIT Brazil ({@code labels-crack/}) and on
 * RDD2022 China motorbike.
 *
 * <p>Tagged {@code model-acceptance}: the shipped model does not meet these yet (see
 * models/model-card.md), and the bar is not lowered to make it pass. Run with
 * {@code mvn -pl inference test -Dvejsyn.excluded.groups= -Dgroups=model-acceptance}.
 */
@Tag("model-acceptance")
class ModelTargetsTest {
    private static final Path DATASETS = Path.of(System.getProperty("vejsyn.repo.root", ".."))
            .resolve("../shared/datasets").normalize();

    @ParameterizedTest(name = "{0} {1}: test mAP@0.5 >= {2}")
    @CsvSource({"dnit-brazil-highway-potholes, pothole, 0.60", "chitholian-annotated-potholes, pothole, 0.70",
        "dnit-brazil-highway-potholes, crack, 0.40", "rdd2022-china-motorbike, crack, 0.40"})
    void testSplitMeetsTheTarget(String source, String damageClass, double target) {
        Path dataset = DATASETS.resolve(source);
        assumeTrue(Files.isDirectory(dataset), "../shared/datasets not beside the repository");
        List<String> names = GroundTruth.imageNames(dataset, "test");
        DetectionMetrics.Summary s = new DatasetEvaluator(ModelSpec.load(ModelSpec.defaultMetadataFile()))
                .evaluate(dataset, names, damageClass, n -> { });
        System.out.println(source + " " + damageClass + ": " + s.line());
        assertThat(s.map50()).as("test mAP@0.5 of " + source + " for " + damageClass).isGreaterThanOrEqualTo(target);
    }
}
