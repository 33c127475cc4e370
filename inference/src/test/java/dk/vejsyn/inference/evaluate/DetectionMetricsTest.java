package dk.vejsyn.inference.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.inference.detect.PixelBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionMetricsTest {
    private static final PixelBox A = new PixelBox(0, 0, 10, 10);
    private static final PixelBox B = new PixelBox(100, 100, 120, 120);

    private static DetectionMetrics.Scored det(PixelBox b, double s) {
        return new DetectionMetrics.Scored(0, b, s);
    }

    private static GroundTruth.Box gt(PixelBox b) {
        return new GroundTruth.Box(0, b);
    }

    @Test
    void perfectDetectionsScoreOne() {
        DetectionMetrics m = new DetectionMetrics(1);
        m.add(List.of(det(A, 0.9), det(B, 0.8)), List.of(gt(A), gt(B)));
        var s = m.summary(0.5);
        assertThat(s.map50()).isCloseTo(1.0, within(1e-9));
        assertThat(s.map5095()).isCloseTo(1.0, within(1e-9));
        assertThat(s.precision()).isEqualTo(1.0);
        assertThat(s.recall()).isEqualTo(1.0);
        assertThat(s.line()).isEqualTo("mAP50=1.0000 mAP50_95=1.0000 precision=1.0000 recall=1.0000 f1=1.0000 images=1");
    }

    @Test
    void aFalsePositiveRankedFirstHalvesPrecisionAtEveryRecall() {
        // Ranking: FP (0.9), TP (0.8), one ground truth. Precision envelope 0.5 at all recalls.
        DetectionMetrics m = new DetectionMetrics(1);
        m.add(List.of(det(B, 0.9), det(A, 0.8)), List.of(gt(A)));
        assertThat(m.map()[0]).isCloseTo(0.5, within(1e-9));
        double[] prf = m.prf(0.85, 100, 0.5);
        assertThat(prf[0]).isEqualTo(0.0);
        assertThat(prf[1]).isEqualTo(0.0);
        prf = m.prf(0.5, 100, 0.5);
        assertThat(prf[0]).isEqualTo(0.5);
        assertThat(prf[1]).isEqualTo(1.0);
        assertThat(prf[2]).isCloseTo(2 * 0.5 / 1.5, within(1e-9));
    }

    @Test
    void missedGroundTruthCapsRecall() {
        // One of two found, ranked first: precision 1 up to recall 0.5, then nothing: AP = 51/101.
        DetectionMetrics m = new DetectionMetrics(1);
        m.add(List.of(det(A, 0.9)), List.of(gt(A), gt(B)));
        assertThat(m.map()[0]).isCloseTo(51.0 / 101, within(1e-9));
    }

    @Test
    void duplicateDetectionsOfOneDefectCountOnceAsTrue() {
        DetectionMetrics m = new DetectionMetrics(1);
        m.add(List.of(det(A, 0.9), det(new PixelBox(0, 0, 10, 11), 0.8)), List.of(gt(A)));
        double[] prf = m.prf(0.1, 100, 0.5);
        assertThat(prf[0]).isEqualTo(0.5);
        assertThat(m.map()[0]).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void looseBoxesCountAtIou50ButNotAtStricterThresholds() {
        // IoU of A with a 10x14 box = 100/140 = 0.714: a hit for 0.50..0.70 (5 of 10 thresholds).
        DetectionMetrics m = new DetectionMetrics(1);
        m.add(List.of(det(new PixelBox(0, 0, 10, 14), 0.9)), List.of(gt(A)));
        assertThat(m.map()[0]).isCloseTo(1.0, within(1e-9));
        assertThat(m.map()[1]).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void imagesWithoutLabelsOnlyContributeFalsePositives() {
        DetectionMetrics m = new DetectionMetrics(1);
        m.add(List.of(det(A, 0.95)), List.of());
        m.add(List.of(det(A, 0.9)), List.of(gt(A)));
        assertThat(m.map()[0]).isCloseTo(0.5, within(1e-9));
        assertThat(m.imageCount()).isEqualTo(2);
    }

    @Test
    void noGroundTruthAtAllGivesZeroNotNan() {
        DetectionMetrics m = new DetectionMetrics(1);
        m.add(List.of(det(A, 0.9)), List.of());
        assertThat(m.map()).containsExactly(0.0, 0.0);
    }

    @Test
    void yoloLabelsAreReadInPixels(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(dir.resolve("labels"));
        Files.writeString(dir.resolve("labels/a.txt"), "0 0.5 0.25 0.1 0.2\n");
        var boxes = GroundTruth.labels(dir, "a.jpg", 200, 100);
        assertThat(boxes).hasSize(1);
        PixelBox b = boxes.get(0).box();
        assertThat(new double[] {b.x1(), b.y1(), b.x2(), b.y2()}).containsExactly(
                new double[] {90, 15, 110, 35}, within(1e-9));
        assertThat(GroundTruth.labels(dir, "missing.jpg", 10, 10)).isEmpty();
        Files.writeString(dir.resolve("labels/b.txt"), "0 x 0.25 0.1 0.2\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GroundTruth.labels(dir, "b.jpg", 10, 10))
                .hasMessageContaining("b.txt:1");
    }
}
