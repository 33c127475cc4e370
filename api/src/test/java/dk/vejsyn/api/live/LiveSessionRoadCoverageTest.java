package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.road.RoadFiles;
import dk.vejsyn.api.road.RoadNetworkImport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * When a live session ends, the road segments its track ran along are covered (the session
 * closer's one call into the road package): 50 frames (200 m) of the sample drive over the sample
 * network cover stretches of the route's street only.
 */
@DirtiesContext
@Import(GatedDetectors.Config.class)
class LiveSessionRoadCoverageTest extends PostgisIntegrationTest {

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.mqtt-enabled", () -> "false");
        r.add("vejsyn.live.session-gap", () -> "2s");
        r.add("vejsyn.live.recovery-interval", () -> "300ms");
    }

    @Autowired
    GatedDetectors detectors;

    @Autowired
    RoadNetworkImport roads;

    @Test
    void anEndedSessionCoversTheSegmentsItDroveAlong() throws Exception {
        jdbc.execute("TRUNCATE road_segment_condition, road_segment_coverage, road_segment, road_network_import RESTART IDENTITY CASCADE");
        Path network = Path.of(System.getProperty("vejsyn.repo.root", "..")).resolve("sample-images/odense-drive/roads.geojson");
        roads.importFile("461", network, RoadFiles.Options.DEFAULT, "test");
        detectors.open(); // the stand-in detector finds nothing: this is about the track
        String vehicle = LiveFixtures.uniqueId("sweeper");
        for (LiveFixtures.SampleFrame f : LiveFixtures.frames(IntStream.rangeClosed(20, 70).toArray())) {
            mvc.perform(LiveFixtures.httpFrame(vehicle, f, f.frameId(), f.tag().time()))
                    .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isAccepted());
        }
        await(Duration.ofSeconds(90), "the session's end to be recorded", () -> jdbc.queryForObject(
                "SELECT count(*) FROM live_session WHERE vehicle = ? AND passed_at IS NOT NULL", Integer.class, vehicle) == 1);
        List<String> covered = jdbc.queryForList("""
                SELECT s.road_name FROM road_segment_coverage c JOIN road_segment s ON s.id = c.segment_id
                JOIN drive d ON d.id = c.drive_id WHERE d.vehicle = ?""", String.class, vehicle);
        assertThat(covered).hasSizeBetween(2, 3).containsOnly("Niels Bohrs Allé");
        // Their history: rated 5 today (undamaged; other test contexts' sessions may cover stretches too, so only these).
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM road_segment_condition h JOIN road_segment_coverage c ON c.segment_id = h.segment_id
                JOIN drive d ON d.id = c.drive_id WHERE d.vehicle = ? AND h.condition = 5""", Integer.class, vehicle))
                .as("history of the covered, undamaged stretches").isEqualTo(covered.size());
    }
}
