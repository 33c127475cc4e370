package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.SampleDriveDetectors;
import org.springframework.context.annotation.Import;
import dk.vejsyn.api.road.RoadFiles;
import dk.vejsyn.api.road.RoadNetworkImport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The sample drive, uploaded as a road department would (its geotagged JPEGs), over the sample
 * road network: when the job ends, the stretches of the route it drove are covered and rated
 * plausibly (its potholes lower them), and every other road and the route's undriven ends stay
 * "not inspected". Detections are the drive's ground-truth boxes ({@link SampleDriveDetectors}):
 * this checks coverage and rating, not the model (the demo runs the real model on the same drive).
 * The rating window is long here so that the sample drive (dated 2026-10-14) stays within it
 * whenever the test runs.
 */
@Import(SampleDriveDetectors.Config.class)
@TestPropertySource(properties = {
    "jobrunr.background-job-server.enabled=true",
    "vejsyn.jobs.spool-dir=target/test-spool/roads",
    "vejsyn.jobs.chunk-frames=8",
    "vejsyn.roads.rating-window=36500d"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UploadRoadCoverageTest extends PostgisIntegrationTest {
    @LocalServerPort
    int port;

    @Autowired
    RoadNetworkImport roads;

    @Autowired
    ObjectMapper json;

    @Test
    void theSampleDriveRatesTheStretchesItDroveAndLeavesTheRestNotInspected() throws Exception {
        jdbc.execute("TRUNCATE upload_job");
        jdbc.execute("TRUNCATE road_segment_condition, road_segment_coverage, road_segment, road_network_import RESTART IDENTITY CASCADE");
        roads.importFile("461", UploadClient.DRIVE.resolve("roads.geojson"), RoadFiles.Options.DEFAULT, "test");
        UploadClient client = new UploadClient(port);
        UploadClient.Answer accepted = client.post(new UploadClient.Form()
                .file("images", "odense-drive.zip", UploadClient.sampleImagesZip())
                .field("municipality", "461").field("vehicle", "van-2"));
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        JsonNode job = client.awaitEnd(accepted.location(), Duration.ofMinutes(5));
        assertThat(job.get("state").asText()).as("job %s", job).isEqualTo("succeeded");

        JsonNode segments = json.readTree(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .get("/api/v1/municipalities/461/road-segments?sort=condition")).andReturn().getResponse().getContentAsString());
        List<JsonNode> rated = new ArrayList<>();
        List<JsonNode> unrated = new ArrayList<>();
        segments.get("features").forEach(f -> (f.at("/properties/condition").isNull() ? unrated : rated).add(f.get("properties")));
        // The drive runs about 385 m of the route's 450: four or five stretches of 55-96 m.
        assertThat(rated).hasSizeBetween(4, 6).allSatisfy(p -> {
            assertThat(p.get("road_name").asText()).isEqualTo("Niels Bohrs Allé");
            assertThat(p.get("condition").asInt()).isBetween(1, 5);
        });
        assertThat(unrated).extracting(p -> p.get("road_name").asText())
                .contains("Niels Bohrs Allé", "Cross street (sample)", "Side street (sample)", "Parallel street (sample)");
        // The 11 potholes along the route all belong to its street, most of them to rated stretches.
        int findings = jdbc.queryForObject("SELECT count(*) FROM finding WHERE damage_type = 'pothole'", Integer.class);
        assertThat(findings).isBetween(9, 11);
        int onRated = rated.stream().mapToInt(p -> p.get("potholes").asInt()).sum();
        int onUnrated = unrated.stream().mapToInt(p -> p.get("potholes").asInt()).sum();
        assertThat(onRated + onUnrated).isEqualTo(findings);
        assertThat(onRated).isGreaterThanOrEqualTo(findings - 2);
        assertThat(rated.get(0).get("condition").asInt()).isLessThanOrEqualTo(3);
        assertThat(unrated).allSatisfy(p -> assertThat(p.get("last_driven_at").isNull()).isTrue());
    }
}
