package dk.vejsyn.inference.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding and NMS on hand-made output tensors of the {@code [1, 4 + C, N]} contract. */
class DecodingTest {
    private static final List<DamageType> TWO = List.of(DamageType.POTHOLE, DamageType.LONGITUDINAL_CRACK);

    /** Builds a row-major [4 + C, N] array from per-anchor rows {cx, cy, w, h, p0, p1, ...}. */
    private static float[] tensor(int classes, float[]... anchors) {
        int n = anchors.length;
        float[] out = new float[(4 + classes) * n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < 4 + classes; r++) {
                out[r * n + i] = anchors[i][r];
            }
        }
        return out;
    }

    @Test
    void keepsOnlyAnchorsAboveThresholdWithTheirBestClass() {
        float[] out = tensor(2,
                new float[] {100, 100, 20, 10, 0.9f, 0.1f},
                new float[] {200, 50, 10, 10, 0.1f, 0.6f},
                new float[] {300, 50, 10, 10, 0.2f, 0.2f});
        var c = new YoloDecoder(TWO).decode(out, 3, 0.25f);
        assertThat(c).hasSize(2);
        assertThat(c.get(0).classIndex()).isZero();
        assertThat(c.get(0).box()).isEqualTo(new PixelBox(90, 95, 110, 105));
        assertThat(c.get(1).classIndex()).isEqualTo(1);
        assertThat(c.get(1).score()).isEqualTo(0.6f);
    }

    @Test
    void emptyOutputGivesNoCandidates() {
        assertThat(new YoloDecoder(TWO).decode(new float[0], 0, 0.25f)).isEmpty();
        float[] allLow = tensor(2, new float[] {1, 1, 1, 1, 0.01f, 0.02f});
        assertThat(new YoloDecoder(TWO).decode(allLow, 1, 0.25f)).isEmpty();
    }

    @Test
    void zeroSizedAndNanBoxesAreIgnored() {
        float[] out = tensor(1, new float[] {10, 10, 0, 5, 0.9f}, new float[] {10, 10, 5, 5, Float.NaN});
        assertThat(new YoloDecoder(List.of(DamageType.POTHOLE)).decode(out, 2, 0.25f)).isEmpty();
    }

    @Test
    void anchorsWhoseBestClassIsALookAlikeYieldNothing(@TempDir Path dir) throws IOException {
        ModelSpec spec = specWith(dir, "[\"pothole\", \"manhole_cover\", \"road_paint\"]", "[\"pothole\"]");
        assertThat(spec.classes()).containsExactly(DamageType.POTHOLE);
        assertThat(spec.outputClasses()).containsExactly("pothole", "manhole_cover", "road_paint");
        float[] out = tensor(3,
                new float[] {100, 100, 20, 10, 0.9f, 0.1f, 0.0f},   // pothole
                new float[] {200, 100, 20, 20, 0.4f, 0.8f, 0.0f},   // a manhole cover that looks a bit like one
                new float[] {300, 100, 20, 20, 0.5f, 0.2f, 0.1f},   // pothole: the look-alike rows are lower
                new float[] {400, 100, 20, 20, 0.1f, 0.2f, 0.7f});  // road paint
        var c = new YoloDecoder(spec).decode(out, 4, 0.25f);
        assertThat(c).extracting(YoloDecoder.Candidate::score).containsExactly(0.9f, 0.5f);
        assertThat(c).allSatisfy(x -> assertThat(new YoloDecoder(spec).type(x.classIndex())).isEqualTo(DamageType.POTHOLE));
    }

    @Test
    void metadataWithoutReportedClassesReportsThemAllAndUnknownOnesAreRefused(@TempDir Path dir) throws IOException {
        assertThat(specWith(dir, "[\"pothole\", \"longitudinal crack\"]", null).classes())
                .containsExactly(DamageType.POTHOLE, DamageType.LONGITUDINAL_CRACK);
        assertThatThrownBy(() -> specWith(dir, "[\"pothole\", \"manhole_cover\"]", null))
                .hasMessageContaining("unknown damage type: manhole_cover");
        assertThatThrownBy(() -> specWith(dir, "[\"pothole\"]", "[\"alligator_crack\"]"))
                .hasMessageContaining("reported class alligator_crack is not an output class");
    }

    @Test
    void eachDamageTypeKeepsToItsOwnThreshold(@TempDir Path dir) throws IOException {
        ModelSpec spec = specWith(dir, "[\"pothole\", \"crack\", \"patch\"]", "[\"pothole\", \"crack\"]",
                "\"score\": 0.3, \"score_by_class\": {\"pothole\": 0.3, \"crack\": 0.15}");
        assertThat(spec.classes()).containsExactly(DamageType.POTHOLE, DamageType.CRACK);
        float[] out = tensor(3,
                new float[] {100, 100, 20, 10, 0.35f, 0.1f, 0.0f},  // pothole above 0.3
                new float[] {200, 100, 20, 20, 0.25f, 0.1f, 0.0f},  // pothole below 0.3: dropped
                new float[] {300, 100, 60, 4, 0.1f, 0.2f, 0.0f},    // crack above 0.15
                new float[] {400, 100, 60, 4, 0.05f, 0.12f, 0.0f},  // crack below 0.15: dropped
                new float[] {500, 100, 20, 20, 0.1f, 0.16f, 0.2f}); // a patch (look-alike): nothing
        var c = new YoloDecoder(spec).decode(out, 5, spec);
        assertThat(c).extracting(YoloDecoder.Candidate::score).containsExactly(0.35f, 0.2f);
        assertThat(c).extracting(x -> new YoloDecoder(spec).type(x.classIndex()))
                .containsExactly(DamageType.POTHOLE, DamageType.CRACK);
        // without per-type thresholds, one threshold for all
        ModelSpec one = specWith(dir, "[\"pothole\", \"crack\"]", null);
        assertThat(new YoloDecoder(one).decode(tensor(2, new float[] {300, 100, 60, 4, 0.1f, 0.2f}), 1, one)).isEmpty();
    }

    private static ModelSpec specWith(Path dir, String classes, String reported) throws IOException {
        return specWith(dir, classes, reported, "\"score\": 0.3");
    }

    private static ModelSpec specWith(Path dir, String classes, String reported, String thresholds) throws IOException {
        Files.write(dir.resolve("m.pt"), new byte[0]);
        Path json = dir.resolve("m.json");
        Files.writeString(json, "{\"input\": {\"width\": 640, \"height\": 640}, \"classes\": " + classes
                + (reported == null ? "" : ", \"reported_classes\": " + reported)
                + ", \"thresholds\": {" + thresholds + "}}");
        return ModelSpec.load(json);
    }

    @Test
    void outputOfTheWrongShapeIsRejected() {
        assertThatThrownBy(() -> new YoloDecoder(TWO).decode(new float[11], 2, 0.25f))
                .hasMessageContaining("expected (4 + 2) x 2");
    }

    @Test
    void nmsSuppressesOverlapsWithinAClassButNotAcrossClasses() {
        var a = new YoloDecoder.Candidate(new PixelBox(0, 0, 100, 100), 0, 0.9f);
        var b = new YoloDecoder.Candidate(new PixelBox(5, 5, 105, 105), 0, 0.8f);     // IoU ~0.82 with a
        var crack = new YoloDecoder.Candidate(new PixelBox(5, 5, 105, 105), 1, 0.7f); // same place, other class
        var far = new YoloDecoder.Candidate(new PixelBox(300, 300, 350, 350), 0, 0.3f);
        var kept = Nms.apply(List.of(b, far, crack, a), 0.5f, 100);
        assertThat(kept).containsExactly(a, crack, far);
    }

    @Test
    void nmsKeepsTouchingBoxesAndHonoursTheCap() {
        var a = new YoloDecoder.Candidate(new PixelBox(0, 0, 10, 10), 0, 0.9f);
        var b = new YoloDecoder.Candidate(new PixelBox(10, 0, 20, 10), 0, 0.8f);
        var c = new YoloDecoder.Candidate(new PixelBox(20, 0, 30, 10), 0, 0.7f);
        assertThat(Nms.apply(List.of(a, b, c), 0.5f, 100)).hasSize(3);
        assertThat(Nms.apply(List.of(c, b, a), 0.5f, 2)).containsExactly(a, b);
    }

    @Test
    void letterboxMapsInputBoxesBackToFramePixels() {
        // 1280x720 into 640x640: scale 0.5, 360 px high, 140 px padding on top.
        Letterbox lb = Letterbox.fit(1280, 720, 640, 640);
        assertThat(lb.scale()).isEqualTo(0.5);
        assertThat(lb.padY()).isEqualTo(140);
        assertThat(lb.padX()).isZero();
        PixelBox frame = lb.toFrame(new PixelBox(100, 240, 120, 260));
        assertThat(frame.x1()).isCloseTo(200, within(1e-9));
        assertThat(frame.y1()).isCloseTo(200, within(1e-9));
        assertThat(frame.x2()).isCloseTo(240, within(1e-9));
        assertThat(frame.y2()).isCloseTo(240, within(1e-9));
    }

    @Test
    void boxesReachingIntoThePaddingAreClippedToTheFrameEdge() {
        Letterbox lb = Letterbox.fit(1280, 720, 640, 640);
        PixelBox frame = lb.toFrame(new PixelBox(-10, 130, 30, 150));
        assertThat(frame.x1()).isZero();
        assertThat(frame.y1()).isZero();
        assertThat(frame.y2()).isCloseTo(20, within(1e-9));
        PixelBox bottomRight = lb.toFrame(new PixelBox(620, 490, 660, 520));
        assertThat(bottomRight.x2()).isEqualTo(1280);
        assertThat(bottomRight.y2()).isEqualTo(720);
    }
}
