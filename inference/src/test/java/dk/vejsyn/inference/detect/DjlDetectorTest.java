package dk.vejsyn.inference.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped TorchScript model through DJL: loads offline, honours the output contract. */
class DjlDetectorTest {
    private static ModelSpec spec;
    private static DjlDetector.DetectorModel model;

    @BeforeAll
    static void load() {
        System.setProperty("ai.djl.offline", "true");
        spec = ModelSpec.load(ModelSpec.defaultMetadataFile());
        model = DjlDetector.DetectorModel.load(spec);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Frame grey(int w, int h) {
        return new Frame(0, "test", Instant.EPOCH, new Mat(h, w, opencv_core.CV_8UC3, new Scalar(128, 128, 128, 0)));
    }

    @Test
    void metadataDescribesAPotholeModel() throws Exception {
        assertThat(spec.classes()).contains(DamageType.POTHOLE);
        assertThat(spec.inputWidth() % 32).isZero();
        assertThat(spec.scoreThreshold()).isBetween(0.01f, 0.99f);
        assertThat(Files.size(spec.modelFile())).isLessThan(25L << 20);
    }

    @Test
    void framesOfAnySizeGiveBoxesInsideTheFrame() throws Exception {
        StageTimes times = new StageTimes();
        ModelSpec low = spec.withThresholds(0.001f, 0.5f, 50);
        try (DjlDetector.DetectorModel m = DjlDetector.DetectorModel.load(low);
                Detector d = m.newDetector(times)) {
            for (int[] size : new int[][] {{1280, 720}, {640, 640}, {300, 500}, {1024, 630}}) {
                // Noise gives the model something to score; a flat frame may give nothing at all.
                try (Frame f = grey(size[0], size[1])) {
                    opencv_core.randu(f.image(), new Mat(1, 1, opencv_core.CV_8UC1, new Scalar(0)),
                            new Mat(1, 1, opencv_core.CV_8UC1, new Scalar(255)));
                    List<Detection> found = d.detect(f);
                    assertThat(found).hasSizeLessThanOrEqualTo(50);
                    for (Detection det : found) {
                        assertThat(det.box().x1()).isBetween(0.0, (double) size[0]);
                        assertThat(det.box().x2()).isBetween(0.0, (double) size[0]);
                        assertThat(det.box().y1()).isBetween(0.0, (double) size[1]);
                        assertThat(det.box().y2()).isBetween(0.0, (double) size[1]);
                        assertThat(det.score()).isGreaterThanOrEqualTo(0.001f);
                    }
                    for (int i = 1; i < found.size(); i++) {
                        assertThat(found.get(i).score()).isLessThanOrEqualTo(found.get(i - 1).score());
                    }
                }
            }
        }
        assertThat(times.count(Stage.INFERENCE)).isEqualTo(4);
        assertThat(times.count(Stage.PREPROCESS)).isEqualTo(4);
        assertThat(times.count(Stage.POSTPROCESS)).isEqualTo(4);
        // DJL's own per-call stage metrics (microseconds): a forward pass of the real model takes time.
        assertThat(times.totalNanos(Stage.INFERENCE)).isGreaterThan(1000L);
        assertThat(times.totalNanos(Stage.PREPROCESS)).isGreaterThan(0L);
    }

    @Test
    void sameFrameGivesTheSameDetectionsFromTwoPredictors() {
        try (Detector a = model.newDetector(new StageTimes());
                Detector b = model.newDetector(new StageTimes());
                Frame f = grey(1280, 720)) {
            opencv_core.randn(f.image(), new Mat(1, 1, opencv_core.CV_64F, new Scalar(120)),
                    new Mat(1, 1, opencv_core.CV_64F, new Scalar(40)));
            assertThat(a.detect(f)).isEqualTo(b.detect(f));
        }
    }

    @Test
    void realFramesGiveTheSameDetectionsOnEveryThreadAndRun() throws Exception {
        // The pipeline's workers are fresh threads with fresh predictors; on one machine the
        // runtime gave other (NaN) outputs there (TorchRuntime). The bundled drive's sampled
        // frames must give identical, non-empty detections however often and wherever they run.
        java.nio.file.Path drive = java.nio.file.Path.of(System.getProperty("vejsyn.repo.root", ".."))
                .resolve("sample-images/odense-drive");
        List<dk.vejsyn.inference.frame.GeoFrame> frames = new java.util.ArrayList<>();
        try (var src = dk.vejsyn.inference.frame.FrameSources.video(drive.resolve("drive.mp4"),
                drive.resolve("drive-exact.gpx"), dk.vejsyn.inference.frame.SourceOptions.defaults())) {
            for (var f = src.next(); f.isPresent() && frames.size() < 30; f = src.next()) {
                frames.add(f.get());
            }
        }
        List<List<Detection>> first = null;
        try {
            for (int run = 0; run < 3; run++) {
                List<List<Detection>> found = new java.util.ArrayList<>();
                Thread t = new Thread(() -> {
                    try (Detector d = model.newDetector(new StageTimes())) {
                        for (var f : frames) {
                            found.add(d.detect(f.frame()));
                        }
                    }
                });
                t.start();
                t.join();
                assertThat(found).hasSize(frames.size());
                if (first == null) {
                    first = found;
                    assertThat(found.stream().mapToInt(List::size).sum()).as("detections on the drive's frames").isPositive();
                } else {
                    assertThat(found).as("run %d", run + 1).isEqualTo(first);
                }
            }
        } finally {
            frames.forEach(dk.vejsyn.inference.frame.GeoFrame::close);
        }
    }

    @Test
    void missingModelFileIsAClearError(@TempDir Path dir) throws Exception {
        Path meta = dir.resolve("other.json");
        Files.copy(ModelSpec.defaultMetadataFile(), meta);
        assertThatThrownBy(() -> ModelSpec.load(meta)).hasMessageContaining("other.pt");
        assertThatThrownBy(() -> ModelSpec.load(dir.resolve("none.json"))).hasMessageContaining("none.json");
    }

    @Test
    void aFileThatIsNotTorchScriptIsRefused(@TempDir Path dir) throws Exception {
        Path meta = dir.resolve("broken.json");
        Files.copy(ModelSpec.defaultMetadataFile(), meta);
        Files.writeString(dir.resolve("broken.pt"), "not a model");
        assertThatThrownBy(() -> DjlDetector.DetectorModel.load(ModelSpec.load(meta)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.pt");
    }
}
