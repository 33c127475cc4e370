package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.ResultActions;

/**
 * A stream session's drive: its track is redrawn while frames come in (every 10th frame at this
 * length) and completed, in capture order, when the session ends; a frame beyond the session gap
 * starts a new session; a repeat of a frame (answered by the inbox insert's unique key) changes
 * no session.
 */
@DirtiesContext
@Import(GatedDetectors.Config.class)
class LiveSessionTrackTest extends PostgisIntegrationTest {

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.mqtt-enabled", () -> "false");
        r.add("vejsyn.detection.workers", () -> "1");
        r.add("vejsyn.live.session-gap", () -> "5s");
        r.add("vejsyn.live.recovery-interval", () -> "300ms");
    }

    @Autowired
    GatedDetectors detectors;

    String vehicle = LiveFixtures.uniqueId("sweeper");

    @Test
    void theTrackFollowsTheSessionAndIsCompleteInCaptureOrderWhenItEnds() throws Exception {
        detectors.open(); // the stand-in detector then finds nothing in any frame
        List<SampleFrame> frames = LiveFixtures.frames(IntStream.rangeClosed(10, 22).toArray());
        // Adjacent frames swapped: the workers' order is not the capture order.
        List<SampleFrame> sent = new ArrayList<>(frames);
        for (int i = 0; i + 1 < sent.size(); i += 2) {
            sent.set(i, frames.get(i + 1));
            sent.set(i + 1, frames.get(i));
        }
        String ref = LiveInbox.driveRef(vehicle, frames.get(0).tag().time());
        for (SampleFrame f : sent) {
            send(f, f.frameId(), f.tag().time()).andExpect(status().isAccepted()).andExpect(jsonPath("$.driveRef").value(ref));
        }
        await(Duration.ofSeconds(60), "all frames processed", () -> done() == frames.size());
        assertThat(jdbc.queryForObject("SELECT frame_count FROM drive WHERE external_ref = ?", Integer.class, ref))
                .isEqualTo(frames.size());
        // Drawn at the 12th frame: 12 of the 13 points.
        assertThat(trackPoints(ref)).hasSize(12);

        // A repeat changes nothing, not even the session's last-received time.
        Timestamp received = lastReceived(ref);
        SampleFrame first = sent.get(0);
        send(first, first.frameId(), first.tag().time()).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("duplicate"));
        assertThat(lastReceived(ref)).isEqualTo(received);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle))
                .isEqualTo(frames.size());

        // The session ends: its track is the whole drive in capture order.
        await(Duration.ofSeconds(60), "the session's pass", () -> jdbc.queryForObject(
                "SELECT count(*) FROM live_session WHERE drive_ref = ? AND passed_at IS NOT NULL", Integer.class, ref) == 1);
        List<double[]> track = trackPoints(ref);
        List<SampleFrame> byTime = frames.stream().sorted(Comparator.comparing(f -> f.tag().time())).toList();
        assertThat(track).hasSize(byTime.size());
        for (int i = 0; i < track.size(); i++) {
            assertThat(track.get(i)[0]).isCloseTo(byTime.get(i).tag().lon(), within(1e-9));
            assertThat(track.get(i)[1]).isCloseTo(byTime.get(i).tag().lat(), within(1e-9));
        }

        // A frame within the gap after the session's last frame joins it; one beyond starts a new session.
        Instant within = byTime.get(byTime.size() - 1).tag().time().plusSeconds(4);
        send(frames.get(0), "within", within).andExpect(status().isAccepted()).andExpect(jsonPath("$.driveRef").value(ref));
        Instant beyond = within.plusSeconds(6);
        send(frames.get(0), "beyond", beyond).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.driveRef").value(LiveInbox.driveRef(vehicle, beyond)));
        // Leave nothing for later tests' instances: they would end these sessions on their findings.
        await(Duration.ofSeconds(60), "both sessions processed and ended", () -> done() == frames.size() + 2
                && jdbc.queryForObject("SELECT count(*) FROM live_session WHERE vehicle = ? AND passed_at IS NULL",
                        Integer.class, vehicle) == 0);
    }

    private ResultActions send(SampleFrame f, String frameId, Instant time) throws Exception {
        return mvc.perform(LiveFixtures.httpFrame(vehicle, f, frameId, time));
    }

    private int done() {
        return jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class, vehicle);
    }

    private Timestamp lastReceived(String ref) {
        return jdbc.queryForObject("SELECT last_received_at FROM live_session WHERE drive_ref = ?", Timestamp.class, ref);
    }

    /** {lon, lat} of the drive's track points in order; none without a track. */
    private List<double[]> trackPoints(String ref) {
        return jdbc.query("""
                SELECT ST_X(p.geom), ST_Y(p.geom) FROM drive d, ST_DumpPoints(d.track) p
                WHERE d.external_ref = ? ORDER BY p.path""",
                (rs, n) -> new double[] {rs.getDouble(1), rs.getDouble(2)}, ref);
    }
}
