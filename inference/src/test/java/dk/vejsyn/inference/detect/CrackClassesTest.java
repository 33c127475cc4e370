package dk.vejsyn.inference.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's {@code crack} output row as a reported class, and per-class score thresholds, on
 * hand-made metadata and output tensors: nothing here depends on what the shipped model detects.
 */
class CrackClassesTest {
    /** The output rows of the shipped model (models/README.md). */
    private static final String CLASSES = "[\"pothole\", \"crack\", \"patch\", \"manhole_cover\", \"road_paint\"]";

    private static ModelSpec spec(Path dir, String reported, String thresholds) throws IOException {
        Files.write(dir.resolve("m.pt"), new byte[0]);
        Path json = dir.resolve("m.json");
        Files.writeString(json, "{\"input\": {\"width\": 640, \"height\": 640}, \"classes\": " + CLASSES
                + ", \"reported_classes\": " + reported + ", \"thresholds\": " + thresholds + "}");
        return ModelSpec.load(json);
    }

    /** Row-major [4 + 5, N] from per-anchor rows {cx, cy, w, h, pothole, crack, patch, manhole, paint}. */
    private static float[] tensor(float[]... anchors) {
        int n = anchors.length;
        float[] out = new float[9 * n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < 9; r++) {
                out[r * n + i] = anchors[i][r];
            }
        }
        return out;
    }

    private static final float[] CRACK_0_35 = {100, 100, 40, 10, 0.05f, 0.35f, 0.1f, 0, 0};
    private static final float[] POTHOLE_0_5 = {300, 100, 20, 20, 0.5f, 0.1f, 0, 0, 0};

    @Test
    void theCrackRowIsALookAlikeUntilTheModelReportsIt(@TempDir Path dir) throws IOException {
        ModelSpec today = spec(dir, "[\"pothole\"]", "{\"score\": 0.3}");
        assertThat(today.reportedType(1)).isNull();
        assertThat(new YoloDecoder(today).decode(tensor(CRACK_0_35, POTHOLE_0_5), 2, today.rowScoreThresholds()))
                .extracting(YoloDecoder.Candidate::classIndex).containsExactly(0);

        ModelSpec withCracks = spec(dir, "[\"pothole\", \"crack\"]", "{\"score\": 0.3}");
        assertThat(withCracks.classes()).containsExactly(DamageType.POTHOLE, DamageType.CRACK);
        assertThat(withCracks.reportedType(1)).isEqualTo(DamageType.CRACK);
        assertThat(withCracks.reportedType(2)).isNull();
        YoloDecoder decoder = new YoloDecoder(withCracks);
        var c = decoder.decode(tensor(CRACK_0_35, POTHOLE_0_5), 2, withCracks.rowScoreThresholds());
        assertThat(c).extracting(x -> decoder.type(x.classIndex())).containsExactly(DamageType.CRACK, DamageType.POTHOLE);
    }

    @Test
    void withoutPerClassThresholdsEveryRowHasTheOne(@TempDir Path dir) throws IOException {
        ModelSpec s = spec(dir, "[\"pothole\", \"crack\"]", "{\"score\": 0.3}");
        assertThat(s.classScoreThresholds()).isEmpty();
        assertThat(s.rowScoreThresholds()).containsExactly(0.3f, 0.3f, 0.3f, 0.3f, 0.3f);
    }

    @Test
    void aPerClassThresholdHoldsForItsRowOnly(@TempDir Path dir) throws IOException {
        ModelSpec s = spec(dir, "[\"pothole\", \"crack\"]",
                "{\"score\": 0.3, \"score_by_class\": {\"crack\": 0.4}, \"iou\": 0.45}");
        assertThat(s.scoreThreshold()).isEqualTo(0.3f);
        assertThat(s.scoreThreshold(0)).isEqualTo(0.3f);
        assertThat(s.scoreThreshold(1)).isEqualTo(0.4f);
        YoloDecoder decoder = new YoloDecoder(s);
        // The crack at 0.35 is below its own 0.4 but would pass the general 0.3: it is not kept.
        assertThat(decoder.decode(tensor(CRACK_0_35, POTHOLE_0_5), 2, s.rowScoreThresholds()))
                .extracting(x -> decoder.type(x.classIndex())).containsExactly(DamageType.POTHOLE);

        ModelSpec lower = spec(dir, "[\"pothole\", \"crack\"]", "{\"score\": 0.5, \"score_by_class\": {\"crack\": 0.2}}");
        var c = new YoloDecoder(lower).decode(tensor(CRACK_0_35, POTHOLE_0_5), 2, lower.rowScoreThresholds());
        assertThat(c).extracting(YoloDecoder.Candidate::score).containsExactly(0.35f, 0.5f);
    }

    @Test
    void perClassThresholdsSurviveOtherCopiesButAnExplicitScoreReplacesThem(@TempDir Path dir) throws IOException {
        ModelSpec s = spec(dir, "[\"pothole\", \"crack\"]", "{\"score\": 0.3, \"score_by_class\": {\"crack\": 0.4}}");
        assertThat(s.withInputSize(320, 320).scoreThreshold(1)).isEqualTo(0.4f);
        assertThat(s.withIouThreshold(0.6f).scoreThreshold(1)).isEqualTo(0.4f);
        ModelSpec explicit = s.withThresholds(0.1f, 0.5f, 100);
        assertThat(explicit.scoreThreshold(1)).isEqualTo(0.1f);
        assertThat(explicit.classScoreThresholds()).isEmpty();
    }

    @Test
    void badPerClassThresholdsAreRefusedWithTheirName(@TempDir Path dir) {
        assertThatThrownBy(() -> spec(dir, "[\"pothole\"]", "{\"score\": 0.3, \"score_by_class\": {\"pothhole\": 0.4}}"))
                .hasMessageContaining("'pothhole', which is not an output class");
        assertThatThrownBy(() -> spec(dir, "[\"pothole\"]", "{\"score\": 0.3, \"score_by_class\": {\"crack\": 1.4}}"))
                .hasMessageContaining("score threshold of class crack must be in [0, 1]");
        assertThatThrownBy(() -> spec(dir, "[\"pothole\"]", "{\"score\": 0.3, \"score_by_class\": [0.4]}"))
                .hasMessageContaining("score_by_class must be an object");
    }

    @Test
    void crackTypesFormOneFamily() {
        assertThat(DamageType.fromName("crack")).isEqualTo(DamageType.CRACK);
        assertThat(DamageType.fromName("D10")).isEqualTo(DamageType.TRANSVERSE_CRACK);
        assertThat(DamageType.CRACK.rddCode()).isNull();
        assertThat(DamageType.familyOf(DamageType.LONGITUDINAL_CRACK)).containsExactly(DamageType.LONGITUDINAL_CRACK,
                DamageType.TRANSVERSE_CRACK, DamageType.ALLIGATOR_CRACK, DamageType.CRACK);
        assertThat(DamageType.familyOf(DamageType.POTHOLE)).containsExactly(DamageType.POTHOLE);
        assertThat(DamageType.ALLIGATOR_CRACK.family()).isEqualTo(DamageType.CRACK);
        assertThat(DamageType.POTHOLE.isCrack()).isFalse();
        // The lock keys of the findings store hash the ordinal: the pothole's must not move.
        assertThat(DamageType.POTHOLE.ordinal()).isZero();
    }
}
