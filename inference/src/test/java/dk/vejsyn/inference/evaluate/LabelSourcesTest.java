package dk.vejsyn.inference.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator reads each source's class ids through its own label table (models/README.md §2,
 * the same table as {@code LABEL_SOURCES} in models/training/common.py), and skips a source for a
 * class it is not annotated for. Label files are written here; no dataset image is needed.
 */
class LabelSourcesTest {

    private static Path dataset(Path dir, String name) throws IOException {
        Path ds = dir.resolve(name);
        Files.createDirectories(ds.resolve("images"));
        return ds;
    }

    private static void label(Path ds, String folder, String stem, String... lines) throws IOException {
        Files.createDirectories(ds.resolve(folder));
        Files.write(ds.resolve(folder).resolve(stem + ".txt"), List.of(lines));
    }

    private static List<String> classes(List<GroundTruth.Label> labels) {
        return labels.stream().map(GroundTruth.Label::className).toList();
    }

    @Test
    void dnitReadsPotholesFromLabelsAndCracksFromLabelsCrack(@TempDir Path dir) throws IOException {
        Path ds = dataset(dir, "dnit-brazil-highway-potholes");
        label(ds, "labels", "a", "0 0.5 0.5 0.2 0.2");
        label(ds, "labels-crack", "a", "4 0.25 0.5 0.1 0.4", "4 0.75 0.5 0.1 0.4");
        LabelSources.Source src = LabelSources.of(ds);

        List<GroundTruth.Label> labels = GroundTruth.labels(src, ds, "a.jpg", 1000, 500);

        assertThat(classes(labels)).containsExactly("pothole", "crack", "crack");
        assertThat(DatasetEvaluator.truthOf(labels, "pothole")).hasSize(1);
        List<GroundTruth.Box> cracks = DatasetEvaluator.truthOf(labels, "crack");
        assertThat(cracks).hasSize(2);
        assertThat(cracks.get(0).box().x1()).isEqualTo(200.0);
        assertThat(cracks.get(0).box().y2()).isEqualTo(350.0);
        assertThat(src.annotates("pothole")).isTrue();
        assertThat(src.annotates("crack")).isTrue();
    }

    @Test
    void idFourIsACrackOnlyInDnitLabelsCrack(@TempDir Path dir) throws IOException {
        // the same id 4 is road paint in the rendered scenes and unknown in dnit's pothole labels
        Path rendered = dataset(dir, "my-render");
        Files.writeString(rendered.resolve("SOURCE.md"), "# vejsyn-render (procedurally rendered road scenes)\n");
        label(rendered, "labels", "a", "4 0.5 0.5 0.2 0.2", "1 0.5 0.5 0.1 0.1");
        assertThat(classes(GroundTruth.labels(LabelSources.of(rendered), rendered, "a.png", 10, 10)))
                .containsExactly("road_paint", "crack");

        Path dnit = dataset(dir, "dnit-brazil-highway-potholes");
        label(dnit, "labels", "b", "4 0.5 0.5 0.2 0.2");
        assertThatThrownBy(() -> GroundTruth.labels(LabelSources.of(dnit), dnit, "b.jpg", 10, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("b.txt:1").hasMessageContaining("class id 4 is not in the label table");
    }

    @Test
    void rddTypedCracksAreEvaluatedAsCrack(@TempDir Path dir) throws IOException {
        Path ds = dataset(dir, "rdd2022-china-motorbike");
        label(ds, "labels", "a", "1 0.5 0.5 0.1 0.4", "2 0.5 0.5 0.4 0.1", "3 0.5 0.5 0.3 0.3", "0 0.2 0.2 0.1 0.1");
        List<GroundTruth.Label> labels = GroundTruth.labels(LabelSources.of(ds), ds, "a.jpg", 512, 512);

        assertThat(classes(labels)).containsExactly("crack_longitudinal", "crack_transverse", "crack_alligator", "pothole");
        assertThat(DatasetEvaluator.truthOf(labels, "crack")).hasSize(3);
        assertThat(DatasetEvaluator.truthOf(labels, "pothole")).hasSize(1);
        assertThat(LabelSources.of(ds).annotates("crack")).isTrue();
        label(ds, "labels", "b", "5 0.5 0.5 0.1 0.1");
        assertThatThrownBy(() -> GroundTruth.labels(LabelSources.of(ds), ds, "b.jpg", 512, 512))
                .hasMessageContaining("class id 5");
    }

    @Test
    void aSourceWithoutCrackLabelsIsSkippedForCracksNotScoredAsNegatives(@TempDir Path dir) throws IOException {
        Path chit = dataset(dir, "chitholian-annotated-potholes");
        label(chit, "labels", "a", "0 0.5 0.5 0.2 0.2");
        Path other = dataset(dir, "some-subset");
        label(other, "labels", "a", "0 0.5 0.5 0.2 0.2");
        assertThat(LabelSources.of(chit).annotates("crack")).isFalse();
        assertThat(LabelSources.of(other).annotates("crack")).isFalse();
        assertThat(LabelSources.of(other).annotates("pothole")).isTrue();

        DatasetEvaluator evaluator = new DatasetEvaluator(ModelSpec.load(ModelSpec.defaultMetadataFile()));
        for (Path ds : List.of(chit, other)) {
            assertThatThrownBy(() -> evaluator.evaluate(ds, List.of("a.jpg"), "crack", n -> { }))
                    .isInstanceOf(InputException.class).hasMessageContaining("is not annotated for crack");
        }
    }

    @Test
    void malformedLinesStopWithFileAndLine(@TempDir Path dir) throws IOException {
        Path ds = dataset(dir, "dnit-brazil-highway-potholes");
        label(ds, "labels-crack", "a", "4 0.5 0.5 0.2 0.2", "", "4 0.5 0.5");
        assertThatThrownBy(() -> GroundTruth.labels(LabelSources.of(ds), ds, "a.jpg", 10, 10))
                .hasMessageContaining("labels-crack/a.txt:3");
        label(ds, "labels-crack", "b", "4.5 0.5 0.5 0.2 0.2");
        assertThatThrownBy(() -> GroundTruth.labels(LabelSources.of(ds), ds, "b.jpg", 10, 10))
                .hasMessageContaining("b.txt:1");
        assertThat(GroundTruth.labels(LabelSources.of(ds), ds, "none.jpg", 10, 10)).isEmpty();
    }

    @Test
    void detectionsOfTheEvaluatedClass() {
        assertThat(DatasetEvaluator.isEvaluated(DamageType.POTHOLE, "pothole")).isTrue();
        assertThat(DatasetEvaluator.isEvaluated(DamageType.CRACK, "pothole")).isFalse();
        for (DamageType crack : List.of(DamageType.CRACK, DamageType.LONGITUDINAL_CRACK, DamageType.TRANSVERSE_CRACK,
                DamageType.ALLIGATOR_CRACK)) {
            assertThat(DatasetEvaluator.isEvaluated(crack, "crack")).isTrue();
        }
        assertThat(DatasetEvaluator.isEvaluated(DamageType.POTHOLE, "crack")).isFalse();
    }

    @Test
    void aModelWithoutAnOutputForTheClassIsRefusedAndAnUnreportedRowIsMeasured(@TempDir Path dir) throws IOException {
        Path ds = dataset(dir, "rdd2022-china-motorbike");
        Path meta = dir.resolve("m.json");
        Files.writeString(meta, "{\"version\": \"t\", \"input\": {\"width\": 64, \"height\": 64},"
                + " \"classes\": [\"pothole\", \"patch\"], \"reported_classes\": [\"pothole\"],"
                + " \"thresholds\": {\"score\": 0.3}}");
        Files.createFile(dir.resolve("m.pt"));
        DatasetEvaluator evaluator = new DatasetEvaluator(ModelSpec.load(meta));
        assertThatThrownBy(() -> evaluator.evaluate(ds, List.of("a.jpg"), "crack", n -> { }))
                .isInstanceOf(InputException.class).hasMessageContaining("has no crack output");

        // A crack row the product does not report is decoded as if reported when it is measured.
        Files.writeString(meta, "{\"version\": \"t\", \"input\": {\"width\": 64, \"height\": 64},"
                + " \"classes\": [\"pothole\", \"crack\"], \"reported_classes\": [\"pothole\"],"
                + " \"thresholds\": {\"score\": 0.3}}");
        ModelSpec unreported = ModelSpec.load(meta);
        assertThat(unreported.classes()).containsExactly(DamageType.POTHOLE);
        assertThat(unreported.alsoReporting(DamageType.CRACK).classes()).containsExactly(DamageType.POTHOLE, DamageType.CRACK);
        assertThat(unreported.alsoReporting(DamageType.POTHOLE)).isSameAs(unreported);
    }

    @Test
    void perClassScoreThresholdsFromTheMetadata(@TempDir Path dir) throws IOException {
        Path meta = dir.resolve("m.json");
        Files.writeString(meta, "{\"version\": \"t\", \"input\": {\"width\": 64, \"height\": 64},"
                + " \"classes\": [\"pothole\", \"crack\", \"patch\"], \"reported_classes\": [\"pothole\", \"crack\"],"
                + " \"thresholds\": {\"score\": 0.3, \"score_by_class\": {\"pothole\": 0.3, \"crack\": 0.2}}}");
        Files.createFile(dir.resolve("m.pt"));
        ModelSpec spec = ModelSpec.load(meta);

        assertThat(spec.classes()).containsExactly(DamageType.POTHOLE, DamageType.CRACK);
        assertThat(spec.reportedType(1)).isEqualTo(DamageType.CRACK);
        assertThat(spec.reportedType(2)).isNull();
        assertThat(spec.scoreThreshold(DamageType.POTHOLE)).isEqualTo(0.3f);
        assertThat(spec.scoreThreshold("crack")).isEqualTo(0.2f);
        assertThat(spec.scoreThreshold(DamageType.TRANSVERSE_CRACK)).as("a typed crack takes crack's").isEqualTo(0.2f);
        assertThat(spec.scoreFloor()).isEqualTo(0.2f);
        assertThat(spec.withIouThreshold(0.6f).scoreThreshold("crack")).isEqualTo(0.2f);
        ModelSpec uniform = spec.withThresholds(0.5f, 0.5f, 100);
        assertThat(uniform.scoreThreshold("crack")).as("an explicit threshold is for every type").isEqualTo(0.5f);
        assertThat(uniform.scoreFloor()).isEqualTo(0.5f);
    }
}
