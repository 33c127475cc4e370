package dk.vejsyn.inference.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.render.DatasetRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Look-alike labels (rendered cracks, patches, manhole covers, road paint) are not damage to find:
 * the evaluator scores the model on its reported classes only, so the same images give the same
 * metrics with and without those labels.
 */
class LookAlikeLabelsTest {

    @Test
    void lookAlikeLabelsNeitherHitNorMiss(@TempDir Path dir) throws IOException {
        Path full = dir.resolve("full");
        new DatasetRenderer(11, 10).write(full, 4, i -> { });
        Path potholesOnly = dir.resolve("potholes-only");
        Files.createDirectories(potholesOnly.resolve("labels"));
        Files.createSymbolicLink(potholesOnly.resolve("images"), full.resolve("images"));
        int lookAlikes = 0;
        try (Stream<Path> labels = Files.list(full.resolve("labels"))) {
            for (Path f : labels.toList()) {
                List<String> lines = Files.readAllLines(f);
                List<String> kept = lines.stream().filter(l -> l.startsWith("0 ")).toList();
                lookAlikes += lines.size() - kept.size();
                Files.write(potholesOnly.resolve("labels").resolve(f.getFileName()), kept);
            }
        }
        assertThat(lookAlikes).as("the hard scenes carry look-alike labels").isPositive();

        ModelSpec spec = ModelSpec.load(ModelSpec.defaultMetadataFile());
        DatasetEvaluator evaluator = new DatasetEvaluator(spec);
        DetectionMetrics.Summary withLookAlikes = evaluator.evaluate(full, GroundTruth.imageNames(full, null), n -> { });
        DetectionMetrics.Summary without = evaluator.evaluate(potholesOnly, GroundTruth.imageNames(potholesOnly, null),
                n -> { });

        assertThat(withLookAlikes.images()).isEqualTo(4);
        assertThat(withLookAlikes).isEqualTo(without);
        assertThat(withLookAlikes.recall()).as("the model finds rendered potholes at all").isPositive();
    }
}
