package dk.vejsyn.inference.render;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.cli.VejsynCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render-dataset} writes the layout of shared/datasets, with sane YOLO labels. */
class DatasetLayoutTest {

    @Test
    void writesImagesLabelsSplitsAndSource(@TempDir Path out) throws IOException {
        int code = VejsynCli.run("render-dataset", "--count", "6", "--seed", "7", "--out", out.toString());
        assertThat(code).isZero();
        assertThat(out.resolve("SOURCE.md")).exists();
        List<String> split = new ArrayList<>();
        for (String s : List.of("train", "val", "test")) {
            split.addAll(Files.readAllLines(out.resolve("splits/" + s + ".txt")));
        }
        assertThat(split).hasSize(6).doesNotHaveDuplicates();
        for (String image : split) {
            assertThat(out.resolve("images").resolve(image)).exists();
            Path label = out.resolve("labels").resolve(image.replace(".jpg", ".txt"));
            for (String line : Files.readAllLines(label)) {
                String[] f = line.split(" ");
                assertThat(f).hasSize(5);
                assertThat(Integer.parseInt(f[0])).isBetween(0, DatasetRenderer.CLASS_NAMES.size() - 1);
                double w = Double.parseDouble(f[3]) * 1280;
                double h = Double.parseDouble(f[4]) * 720;
                assertThat(w).isGreaterThanOrEqualTo(DatasetRenderer.MIN_BOX_W);
                assertThat(h).isGreaterThanOrEqualTo(DatasetRenderer.MIN_BOX_H);
                for (int i = 1; i < 5; i++) {
                    assertThat(Double.parseDouble(f[i])).isBetween(0.0, 1.0);
                }
            }
        }
    }

    @Test
    void everyVisiblePotholeIsLabelledAndMostImagesHaveOne() {
        DatasetRenderer r = new DatasetRenderer(7);
        int withPotholes = 0;
        for (int i = 0; i < 200; i++) {
            DatasetRenderer.Plan p = r.plan(i);
            List<PotholeView> views = PotholeProjector.visible(p.camera(), p.scene().potholes(), 0, p.vehicleD());
            assertThat(views).hasSameSizeAs(p.scene().potholes()).allMatch(DatasetRenderer::isLabelled);
            withPotholes += views.isEmpty() ? 0 : 1;
        }
        assertThat(withPotholes).isGreaterThan(140);
    }

    @Test
    void hardNegativeSetsCarryMoreDistractorsAndTheSamePotholes() {
        DatasetRenderer normal = new DatasetRenderer(11);
        DatasetRenderer hard = new DatasetRenderer(11, 10);
        int normalDistractors = 0;
        int hardDistractors = 0;
        for (int i = 0; i < 100; i++) {
            DatasetRenderer.Plan a = normal.plan(i);
            DatasetRenderer.Plan b = hard.plan(i);
            normalDistractors += a.scene().distractors().size();
            hardDistractors += b.scene().distractors().size();
            assertThat(a.scene().distractors()).hasSizeLessThanOrEqualTo(DatasetRenderer.DEFAULT_MAX_DISTRACTORS);
            assertThat(b.scene().distractors()).hasSizeLessThanOrEqualTo(10);
            // Distractors keep clear of potholes, so no distractor hides under a pothole label.
            for (Distractor x : b.scene().distractors()) {
                for (Pothole p : b.scene().potholes()) {
                    assertThat(overlaps(x.footprint(), p.footprint())).as(x.id() + " vs " + p.id()).isFalse();
                }
            }
        }
        assertThat(hardDistractors).isGreaterThan(2 * normalDistractors);
        assertThat(VejsynCli.run("render-dataset", "--count", "1", "--distractors", "-1", "--out", "/tmp/never"))
                .isEqualTo(VejsynCli.EXIT_BAD_INPUT);
    }

    @Test
    void lookAlikesAreLabelledWithTheirOwnClassesWhereTheyWereDrawn() {
        DatasetRenderer hard = new DatasetRenderer(11, 10);
        java.util.Map<String, Integer> perClass = new java.util.TreeMap<>();
        for (int i = 0; i < 3; i++) {
            DatasetRenderer.Plan plan = hard.plan(i);
            DatasetRenderer.Sample sample = hard.render(i);
            for (String line : sample.labels()) {
                String[] f = line.split(" ");
                perClass.merge(DatasetRenderer.CLASS_NAMES.get(Integer.parseInt(f[0])), 1, Integer::sum);
            }
            // Exactly the look-alikes near and large enough are labelled, by the potholes' rule.
            for (PotholeProjector.DistractorView v : PotholeProjector.visibleDistractors(plan.camera(),
                    plan.scene().distractors(), 0, plan.vehicleD())) {
                String label = String.format(java.util.Locale.ROOT, "%d %.6f", DatasetRenderer.classOf(v.distractor().kind()),
                        v.box().centreX() / 1280);
                boolean labelled = sample.labels().stream().anyMatch(l -> l.startsWith(label));
                assertThat(labelled).as(v.distractor().id() + " labelled")
                        .isEqualTo(DatasetRenderer.isLabelled(v.distanceM(), v.box()));
            }
        }
        assertThat(perClass).containsKey("pothole");
        assertThat(perClass.keySet()).containsAnyOf("crack", "patch", "manhole_cover", "road_paint");
    }

    @Test
    void crackLabelsCoverTheWholeDrawnWalk() {
        Distractor crack = new Distractor("D01", Distractor.Kind.CRACK, 10, 0, 3, 0.4, 0, 42);
        List<double[]> strokes = crack.crackStrokes();
        double sMin = strokes.stream().mapToDouble(q -> q[0]).min().orElseThrow();
        double sMax = strokes.stream().mapToDouble(q -> q[0]).max().orElseThrow();
        // The walk runs one way from near the centre, so it leaves the nominal rectangle...
        assertThat(sMax).isGreaterThan(crack.footprint().sMax());
        // ...and the outline the labels use follows it.
        assertThat(crack.outline().stream().mapToDouble(q -> q[0]).max().orElseThrow()).isEqualTo(sMax);
        assertThat(crack.outline().stream().mapToDouble(q -> q[0]).min().orElseThrow()).isEqualTo(sMin);
    }

    private static boolean overlaps(Footprint a, Footprint b) {
        return a.sMin() < b.sMax() && b.sMin() < a.sMax() && a.dMin() < b.dMax() && b.dMin() < a.dMax();
    }

    @Test
    void splitBucketFollowsTheSharedRule() {
        // SHA-1("a") = 86f7e437..., as an integer mod 100.
        assertThat(DatasetRenderer.bucket("a")).isEqualTo(
                new java.math.BigInteger("86f7e437faa5a7fce15d1ddcb9eaeaea377667b8", 16).mod(java.math.BigInteger.valueOf(100))
                        .intValue());
    }

    @Test
    void badRouteIsReportedWithExitCodeTwo(@TempDir Path out) {
        assertThat(VejsynCli.run("render-drive", "--route", out.resolve("missing.json").toString(), "--out",
                out.toString())).isEqualTo(VejsynCli.EXIT_BAD_INPUT);
    }
}
