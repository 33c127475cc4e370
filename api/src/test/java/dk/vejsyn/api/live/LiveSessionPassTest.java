package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.Fixtures;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * A live stream session that has ended records re-drive evidence like an uploaded drive: a known
 * finding the vehicle's camera passed without a detection gets one "not seen" event; a finding
 * behind the vehicle gets none.
 */
@DirtiesContext
@Import(GatedDetectors.Config.class)
class LiveSessionPassTest extends PostgisIntegrationTest {

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
    FindingStore store;

    @Autowired
    LiveIngest ingest;

    @Test
    void anEndedSessionMarksFindingsInViewButNotDetectedAsNotSeen() throws Exception {
        detectors.open(); // the stand-in detector then finds nothing in any frame
        List<SampleFrame> frames = LiveFixtures.frames(10, 11, 12, 13, 14, 15);
        GeoTag at = frames.get(2).tag();
        assertThat(at.hasHeading()).isTrue();
        LatLon ahead = Georeferencer.destination(at.lat(), at.lon(), at.headingDeg(), 12);
        LatLon behind = Georeferencer.destination(frames.get(0).tag().lat(), frames.get(0).tag().lon(),
                at.headingDeg() + 180, 15);
        long seenBefore = at.time().minus(Duration.ofDays(1)).getEpochSecond();
        List<Long> ids = store.ingest("461", DriveInfo.of("earlier-drive", "truck-1"), List.of(
                Fixtures.observation(DamageType.POTHOLE, ahead, 0.9f, 1, 0.1, "earlier.mp4",
                        java.time.Instant.ofEpochSecond(seenBefore)),
                Fixtures.observation(DamageType.POTHOLE, behind, 0.9f, 2, 0.1, "earlier.mp4",
                        java.time.Instant.ofEpochSecond(seenBefore)))).findingIds();

        String vehicle = LiveFixtures.uniqueId("sweeper");
        for (SampleFrame f : frames) {
            MockHttpServletRequestBuilder b = post("/api/v1/vehicles/{id}/frames", vehicle)
                    .contentType(MediaType.IMAGE_JPEG).content(f.jpeg()).param("municipality", "461");
            f.fields().forEach((k, v) -> b.param(k, v));
            mvc.perform(b).andExpect(status().isAccepted());
        }

        await(Duration.ofSeconds(60), "the session's pass to be recorded", () -> jdbc.queryForObject(
                "SELECT count(*) FROM live_session WHERE vehicle = ? AND passed_at IS NOT NULL", Integer.class, vehicle) == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'",
                Integer.class, vehicle)).isEqualTo(frames.size());
        assertThat(notSeenEvents(ids.get(0), vehicle)).isEqualTo(1);
        assertThat(notSeenEvents(ids.get(1), vehicle)).isZero();

        // Evaluated once: later rounds of the closer leave it alone (run here, not waited for).
        for (int round = 0; round < 3; round++) {
            ingest.housekeeping().recordEndedSessions();
        }
        assertThat(notSeenEvents(ids.get(0), vehicle)).isEqualTo(1);
    }

    /**
     * "Not seen" events from this vehicle's session: sessions that earlier tests left in the
     * database end too, and pass the same street.
     */
    private int notSeenEvents(long findingId, String vehicle) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM finding_event e JOIN drive d ON d.id = e.drive_id
                WHERE e.finding_id = ? AND e.kind = 'not_seen' AND d.external_ref LIKE ?""",
                Integer.class, findingId, "live:" + vehicle + ":%");
    }
}
