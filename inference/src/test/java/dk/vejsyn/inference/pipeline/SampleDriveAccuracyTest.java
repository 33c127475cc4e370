package dk.vejsyn.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.FrameSources;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.output.ObservationFiles;
import dk.vejsyn.inference.render.GroundTruth;
import dk.vejsyn.inference.render.GroundTruthMatcher;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole chain with the shipped model on the bundled drive (issue 4's acceptance targets):
 * located detections, clustered within 3 m (one pothole is seen in several frames), matched
 * one-to-one to the renderer's ground truth. With exact GPS: recall and precision at least 0.9
 * and median position error at most 1 m (matching within 3 m). With the drive's noisy GPS (about
 * 2 m RMS, drifting): the same recall and precision and a median error of at most 3 m — matched
 * within 6 m there, since a 3 m match radius would cap the error it measures. (Until 2026-12-06
 * this row asked for recall and precision of at least 0.0, which no run could miss.)
 *
 * <p>Tagged {@code model-acceptance}: it measures the model, not the code, and the shipped model
 * does not meet it yet (see models/model-card.md). Run it with
 * {@code mvn -pl inference test -Dvejsyn.excluded.groups= -Dgroups=model-acceptance}.
 */
@Tag("model-acceptance")
class SampleDriveAccuracyTest {
    /**
     * The bundled drive, or another rendered one ({@code -Dvejsyn.sample-drive=DIR}, e.g. another
     * seed of {@code render-drive}): a drive the model and its threshold were not looked at with.
     */
    private static final Path DRIVE = System.getProperty("vejsyn.sample-drive", "").isBlank()
            ? Path.of(System.getProperty("vejsyn.repo.root", "..")).resolve("sample-images/odense-drive")
            : Path.of(System.getProperty("vejsyn.sample-drive"));
    private static DjlDetector.DetectorModel model;

    @TempDir
    Path out;

    @BeforeAll
    static void load() {
        model = DjlDetector.DetectorModel.load(ModelSpec.load(ModelSpec.defaultMetadataFile()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest(name = "{0}: recall and precision >= {3}, median error <= {1} m")
    @CsvSource({"drive-exact.gpx, 1.0, 3.0, 0.9", "drive.gpx, 3.0, 6.0, 0.9"})
    void potholesAreFoundWhereTheyAre(String track, double maxMedianErrorM, double matchRadiusM, double minRate) {
        CameraModel camera = CameraModel.fromJson(DRIVE.resolve("camera.json"));
        ObservationFiles sink = new ObservationFiles(out.resolve("found.geojson"), null);
        RunReport report;
        try (FrameSource source = FrameSources.video(DRIVE.resolve("drive.mp4"), DRIVE.resolve(track),
                SourceOptions.defaults())) {
            report = new BatchPipeline(model, new ObservationLocator(camera, ObservationLocator.DEFAULT_MAX_RANGE_M),
                    PipelineSettings.defaults()).run(source, sink, n -> { });
        }
        // pothole recall and precision: the drive's ground truth is its potholes; a crack the model
        // reports (a damage type of its own) is neither a hit nor a false pothole
        List<LatLon> sightings = sink.observations().stream().filter(o -> o.type() == DamageType.POTHOLE)
                .map(Observation::position).toList();
        GroundTruth truth = GroundTruth.read(DRIVE.resolve("ground-truth.geojson"));
        GroundTruthMatcher.Result r = GroundTruthMatcher.match(sightings, truth.potholes(), matchRadiusM);
        System.out.printf("%s: %d frames, %d observations, recall %.2f, precision %.2f, median error %.2f m%n",
                track, report.framesProcessed(), sightings.size(), r.recall(), r.precision(), r.medianErrorM());

        assertThat(r.recall()).as("recall").isGreaterThanOrEqualTo(minRate);
        assertThat(r.precision()).as("precision").isGreaterThanOrEqualTo(minRate);
        assertThat(r.medianErrorM()).as("median position error").isLessThanOrEqualTo(maxMedianErrorM);
    }
}
