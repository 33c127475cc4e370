package dk.vejsyn.api.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The inbox forgets processed frames after {@code vejsyn.live.inbox-retention}: old done and
 * failed rows go, queued ones and those of a session whose end is not recorded stay; and a frame
 * captured before the retention is refused, since its first copy may be gone and it would be
 * processed twice.
 */
@DirtiesContext
@Import(GatedDetectors.Config.class)
class LiveInboxRetentionTest extends PostgisIntegrationTest {

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.mqtt-enabled", () -> "false");
        r.add("vejsyn.detection.workers", () -> "1");
        r.add("vejsyn.live.inbox-retention", () -> "2d");
    }

    @Autowired
    LiveInbox inbox;

    String vehicle = LiveFixtures.uniqueId("retention");

    @Test
    void processedFramesPastTheRetentionAreDeletedAndNothingElse() {
        String passed = vehicle + "-passed";
        String open = vehicle + "-open";
        jdbc.update("""
                INSERT INTO live_session (municipality_code, vehicle, drive_ref, started_at, last_frame_at, passed_at)
                VALUES ('461', ?, ?, now() - interval '5 days', now() - interval '5 days', now() - interval '5 days'),
                       ('461', ?, ?, now() - interval '5 days', now() - interval '5 days', NULL)""",
                vehicle, passed, vehicle, open);
        row("old-done", passed, "done", 3);
        row("old-failed", passed, "failed", 3);
        row("old-queued", passed, "queued", 3);
        row("recent-done", passed, "done", 1);
        row("old-done-open-session", open, "done", 3);

        int deleted = inbox.purgeProcessed(Duration.ofDays(2), 10_000);

        assertThat(deleted).isGreaterThanOrEqualTo(2);
        assertThat(jdbc.queryForList("SELECT frame_id FROM live_frame WHERE vehicle = ? ORDER BY frame_id", String.class,
                vehicle)).containsExactly("old-done-open-session", "old-queued", "recent-done");
        assertThat(inbox.purgeProcessed(Duration.ofDays(2), 10_000)).isZero();
    }

    @Test
    void framesCapturedBeforeTheRetentionAreRefused() throws Exception {
        SampleFrame f = LiveFixtures.frames(10).get(0);
        mvc.perform(LiveFixtures.httpFrame(vehicle, f, "ancient", Instant.now().minus(Duration.ofDays(3)))).andExpect(status().isUnprocessableEntity())
                .andExpect(jsonPath("$.type").value(org.hamcrest.Matchers.endsWith("too-old")))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("send old footage as an upload")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle)).isZero();
    }

    private void row(String frameId, String driveRef, String state, int daysAgo) {
        jdbc.update("""
                INSERT INTO live_frame (municipality_code, vehicle, frame_id, transport, drive_ref, lat, lon,
                    captured_at, state, received_at)
                VALUES ('461', ?, ?, 'http', ?, 55.37, 10.41, now() - make_interval(days => ?), ?,
                    now() - make_interval(days => ?))""", vehicle, frameId, driveRef, daysAgo, state, daysAgo);
    }
}
