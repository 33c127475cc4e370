package dk.vejsyn.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.FrameSources;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.pipeline.BatchPipeline;
import dk.vejsyn.inference.pipeline.PipelineSettings;
import dk.vejsyn.inference.pipeline.RunReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The main job end to end, as {@code bin/vejsyn detect --db} runs it: the bundled drive through
 * the real model into PostGIS, then out through the maintenance API ({@code bin/vejsyn demo}
 * uploads the same drive as a job: UploadJobTest). What must hold whatever the
 * model's accuracy: every observation is stored, findings lie on the road near the drive, a
 * second run of the same drive adds nothing, and the API serves what the store holds.
 */
class SampleDriveToFindingsTest extends PostgisIntegrationTest {
    private static final Path DRIVE = Path.of(System.getProperty("vejsyn.repo.root", ".."))
            .resolve("sample-images/odense-drive");

    @Autowired
    FindingStore store;

    private FindingStoreSink runDrive() {
        CameraModel camera = CameraModel.fromJson(DRIVE.resolve("camera.json"));
        FindingStoreSink sink = new FindingStoreSink(store, "461", "test:odense-drive", "truck-7", camera);
        try (FrameSource source = FrameSources.video(DRIVE.resolve("drive.mp4"), DRIVE.resolve("drive.gpx"),
                SourceOptions.defaults());
                DjlDetector.DetectorModel model = DjlDetector.DetectorModel.load(ModelSpec.load(ModelSpec.defaultMetadataFile()))) {
            RunReport report = new BatchPipeline(model, new ObservationLocator(camera, 25), PipelineSettings.defaults())
                    .run(source, sink, n -> { });
            assertThat(report.observations()).isEqualTo(sink.ingestResult().observationsStored()
                    + sink.ingestResult().duplicatesSkipped());
        }
        return sink;
    }

    @Test
    void sampleDriveBecomesFindingsOnTheRoadServedByTheApi() throws Exception {
        FindingStoreSink first = runDrive();
        int stored = first.ingestResult().observationsStored();
        assertThat(jdbc.queryForObject("select count(*) from observation", Integer.class)).isEqualTo(stored);
        assertThat(jdbc.queryForObject("select count(*) from drive where municipality_id is not null", Integer.class))
                .isEqualTo(1);
        int findings = jdbc.queryForObject("select count(*) from finding", Integer.class);
        assertThat(findings).isEqualTo(first.ingestResult().findingsCreated());
        assertThat(findings).isLessThanOrEqualTo(Math.max(stored, 0));

        // Each finding lies within the camera's range of the vehicle's track.
        List<double[]> track = new ArrayList<>();
        jdbc.query("select ST_Y(p.geom) lat, ST_X(p.geom) lon from drive d, ST_DumpPoints(d.track) p",
                rs -> {
                    track.add(new double[] {rs.getDouble("lat"), rs.getDouble("lon")});
                });
        assertThat(track).hasSizeGreaterThan(10);
        jdbc.query("select ST_Y(geom) lat, ST_X(geom) lon from finding", rs -> {
            double lat = rs.getDouble("lat");
            double lon = rs.getDouble("lon");
            double nearest = track.stream().mapToDouble(p -> Georeferencer.distanceM(lat, lon, p[0], p[1])).min().orElseThrow();
            assertThat(nearest).as("finding at %f,%f is near the drive", lat, lon).isLessThan(30);
        });

        // Running the same drive again stores nothing twice.
        FindingStoreSink second = runDrive();
        assertThat(second.ingestResult().observationsStored()).isZero();
        assertThat(jdbc.queryForObject("select count(*) from finding", Integer.class)).isEqualTo(findings);

        // The API serves the same findings as GeoJSON.
        String body = mvc.perform(get("/api/v1/municipalities/461/findings/export.geojson"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        JsonNode fc = new ObjectMapper().readTree(body);
        assertThat(fc.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(fc.get("features")).hasSize(findings);
    }
}
