package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * {@code POST /api/v1/vehicles/{id}/frames}: bad frames get 400/404/422 problems naming the reason;
 * with a queue of one frame and a detector that holds it, the next frame gets 503 with
 * Retry-After, and is accepted once the worker is free. Metrics reach the Prometheus endpoint.
 */
@DirtiesContext
@AutoConfigureObservability
@Import(GatedDetectors.Config.class)
class VehicleFrameHttpTest extends PostgisIntegrationTest {

    @DynamicPropertySource
    static void live(DynamicPropertyRegistry r) {
        r.add("vejsyn.live.enabled", () -> "true");
        r.add("vejsyn.live.mqtt-enabled", () -> "false");
        r.add("vejsyn.live.queue-capacity", () -> "1");
        r.add("vejsyn.detection.workers", () -> "1");
        r.add("vejsyn.live.retry-after", () -> "3s");
    }

    @Autowired
    GatedDetectors detectors;

    String vehicle;
    SampleFrame frame;

    @BeforeEach
    void setUp() {
        vehicle = LiveFixtures.uniqueId("van");
        frame = LiveFixtures.frames(6).get(0);
    }

    private MockHttpServletRequestBuilder send(byte[] jpeg, Map<String, String> fields) {
        MockHttpServletRequestBuilder b = post("/api/v1/vehicles/{id}/frames", vehicle)
                .contentType(MediaType.IMAGE_JPEG).content(jpeg);
        fields.forEach((k, v) -> b.param(k, v));
        return b;
    }

    private Map<String, String> fields(String... overrides) {
        Map<String, String> f = new HashMap<>(frame.fields());
        f.put("municipality", "461");
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                f.remove(overrides[i]);
            } else {
                f.put(overrides[i], overrides[i + 1]);
            }
        }
        return f;
    }

    private ResultActions expectRejected(byte[] jpeg, Map<String, String> fields, int status, String reason) throws Exception {
        return mvc.perform(send(jpeg, fields))
                .andExpect(status().is(status))
                .andExpect(header().string("Content-Type", "application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/live-frame-" + reason))
                .andExpect(jsonPath("$.reason").value(reason));
    }

    @Test
    void badFramesAreRejectedWithTheirReasonThenAFullQueueAnswers503WithRetryAfter() throws Exception {
        byte[] jpeg = frame.jpeg();
        expectRejected(jpeg, fields("frame-id", null), 400, "missing-frame-id");
        expectRejected(jpeg, fields("lat", null), 400, "missing-geotag");
        expectRejected(jpeg, fields("lat", "fifty-five"), 400, "malformed-geotag");
        expectRejected(jpeg, fields("time", "yesterday"), 400, "malformed-geotag");
        expectRejected(jpeg, fields("lat", "95"), 422, "impossible-geotag");
        expectRejected(jpeg, fields("lon", "NaN"), 422, "impossible-geotag");
        expectRejected(jpeg, fields("time", "1970-01-01T00:00:00Z"), 422, "impossible-geotag");
        expectRejected(jpeg, fields("time", "2099-01-01T00:00:00Z"), 422, "impossible-geotag");
        expectRejected(jpeg, fields("municipality", null), 400, "invalid-id");
        expectRejected(jpeg, fields("frame-id", "a/b"), 400, "invalid-id");
        expectRejected(jpeg, fields("municipality", "999"), 404, "unknown-municipality");
        expectRejected(new byte[0], fields(), 400, "empty-payload");
        expectRejected(Arrays.copyOf(jpeg, jpeg.length / 3), fields(), 422, "corrupt-jpeg");
        byte[] scrambled = jpeg.clone();
        for (int i = 600; i < scrambled.length - 600; i++) {
            scrambled[i] = (byte) (i * 31);
        }
        expectRejected(scrambled, fields(), 422, "corrupt-jpeg");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle)).isZero();

        // Fill the queue: the only worker holds the first frame.
        mvc.perform(send(jpeg, fields())).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("accepted"))
                .andExpect(jsonPath("$.driveRef").value(LiveInbox.driveRef(vehicle, frame.tag().time())));
        await(Duration.ofSeconds(30), "the worker holds the frame", () -> detectors.entered.get() == 1);
        Map<String, String> second = fields("frame-id", "second");
        mvc.perform(send(jpeg, second))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(jsonPath("$.type").value("https://vejsyn.dk/problems/live-busy"));
        // A repeat needs no room: it is answered at once, even with the queue full.
        mvc.perform(send(jpeg, fields())).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("duplicate"));
        detectors.open();
        await(Duration.ofSeconds(30), "the first frame processed", () -> done() == 1);
        mvc.perform(send(jpeg, second)).andExpect(status().isAccepted());
        // With room, the insert answers the repeat (its unique key); the session is left as it was.
        Object lastReceived = jdbc.queryForObject("SELECT last_received_at FROM live_session WHERE vehicle = ?",
                Object.class, vehicle);
        mvc.perform(send(jpeg, fields())).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("duplicate"));
        assertThat(jdbc.queryForObject("SELECT last_received_at FROM live_session WHERE vehicle = ?", Object.class, vehicle))
                .isEqualTo(lastReceived);
        await(Duration.ofSeconds(30), "the second frame processed", () -> done() == 2);

        String metrics = mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(metrics)
                .contains("vejsyn_live_frames_rejected_total{reason=\"corrupt-jpeg\",transport=\"http\"} 2.0")
                .contains("vejsyn_live_frames_throttled_total{transport=\"http\"} 1.0")
                .contains("vejsyn_live_frames_processed_total 2.0")
                .contains("vejsyn_live_queue_depth")
                .contains("vejsyn_live_latency_seconds_bucket")
                .contains("vejsyn_live_stage_seconds_count{stage=\"decode\"}")
                // Upload jobs by state, from JobRunr's own metrics.
                .contains("jobrunr_jobs_by_state");
    }

    private int done() {
        return jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class, vehicle);
    }
}
