package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.upload.UploadClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two service instances as two operating-system processes ({@code vejsyn serve}) on one database
 * and one broker; one of them is killed with SIGKILL (no graceful stop: no lease released, no job
 * handed back, no MQTT disconnect) while a vehicle streams a drive over MQTT and an uploaded drive
 * is being processed, and the instance it killed was running that upload. Then:
 *
 * <ul>
 *   <li>the upload finishes on the survivor: JobRunr's shared job store in PostgreSQL sees that the
 *       dead server stopped updating its job, declares the job orphaned and retries it; the
 *       survivor resumes after the last committed frame; the drive's track has every frame once;</li>
 *   <li>every live frame the killed instance had acknowledged (in the inbox, not yet processed) is
 *       taken over by the survivor when its lease runs out;</li>
 *   <li>frames the broker still kept for the killed instance's persistent MQTT session arrive when
 *       the instance comes back under the same client id (as an orchestrator restarts a pod with
 *       its name), and every published frame is processed exactly once: one inbox row per
 *       vehicle and frame id, each marked done once, the instances' processed counts adding up to
 *       the number of frames;</li>
 *   <li>no observation is stored twice and every finding's sightings are its own (no finding
 *       duplicated, no two open findings of one type within the merge radius).</li>
 * </ul>
 *
 * <p>Time: JobRunr declares a job orphaned when it has not been updated for
 * {@code poll-interval-in-seconds × server-timeout-poll-interval-multiplicand}; both are at
 * JobRunr's smallest allowed values here (5 s × 4 = 20 s; the service's default poll interval is
 * 5 s, so production takes as long), and the retry follows after JobRunr's back-off (3 s) and the
 * next poll: the upload resumes 25–45 s after the kill. The live lease is 10 s instead of 2 min.
 */
class TwoProcessFailoverTest {
    /**
     * Frames/s the vehicle streams, and how many it still sends after the kill. Faster than the
     * instance running the upload keeps up with (one live worker each), so that it holds
     * acknowledged frames it has not processed at most instants, on fast CPUs too.
     */
    static final double RATE = 8;
    static final int AFTER_KILL = 16;
    static final int UPLOAD_IMAGES = Integer.getInteger("failover.uploadImages", 97);
    static final Duration START = Duration.ofMinutes(2);
    static final Duration STEP = Duration.ofMinutes(2);
    static final ObjectMapper JSON = new ObjectMapper();

    final String run = LiveFixtures.uniqueId("failover");
    final String prefix = LiveFixtures.PREFIX;
    final String vehicle = LiveFixtures.uniqueId("truck");
    final JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(PostgisIntegrationTest.JDBC_URL));

    /** Settings of an instance with this MQTT client id (also its JobRunr server name). */
    Map<String, String> settings(String clientId) {
        Map<String, String> s = new HashMap<>();
        s.put("vejsyn.live.topic-prefix", prefix);
        s.put("vejsyn.live.share-group", run);
        s.put("vejsyn.live.client-id", clientId);
        s.put("vejsyn.live.session-expiry", "10m");
        s.put("vejsyn.detection.workers", "1");
        s.put("vejsyn.live.queue-capacity", "4");
        s.put("vejsyn.live.lease", "10s");
        s.put("vejsyn.live.recovery-interval", "1s");
        // Uploads are spooled where every instance reads them (in production a shared volume).
        s.put("vejsyn.jobs.spool-dir", Path.of("target/test-spool/failover").toAbsolutePath().toString());
        s.put("vejsyn.detection.workers", "1");
        s.put("vejsyn.jobs.chunk-frames", "3");
        s.put("jobrunr.background-job-server.name", clientId);
        s.put("jobrunr.background-job-server.poll-interval-in-seconds", "5");
        s.put("jobrunr.background-job-server.server-timeout-poll-interval-multiplicand",
                System.getProperty("failover.jobrunr.multiplicand", "4"));
        s.put("logging.level.dk.vejsyn.api.live.LiveIngest", "debug");
        return s;
    }

    @Test
    void killingAnInstanceMidStreamAndMidUploadLosesNothingAndDoublesNothing() throws Exception {
        String idA = run + "-a";
        String idB = run + "-b";
        ServiceProcess a = null;
        ServiceProcess b = null;
        ServiceProcess back = null;
        ExecutorService vehicleThread = Executors.newSingleThreadExecutor();
        Mqtt5AsyncClient pub = null;
        try {
            // An empty store (on a fresh database the first instance creates the tables).
            if (jdbc.queryForObject("SELECT to_regclass('upload_job') IS NOT NULL", Boolean.class)) {
                jdbc.execute("TRUNCATE upload_job, live_frame, finding_event, observation, finding, drive RESTART IDENTITY CASCADE");
            }
            a = ServiceProcess.start("failover-a", settings(idA));
            b = ServiceProcess.start("failover-b", settings(idB));
            ServiceProcess a1 = a;
            ServiceProcess b1 = b;
            for (ServiceProcess s : List.of(a, b)) {
                s.awaitServing(START);
                ServiceProcess s1 = s;
                await(START, s.name + " consuming MQTT", () -> s1.output().contains("consuming live frames"));
            }

            UploadClient.Answer accepted = new UploadClient(a.port()).post(new UploadClient.Form()
                    .file("images", "odense-drive.zip", UploadClient.sampleImagesZip(UPLOAD_IMAGES))
                    .field("municipality", "461").field("vehicle", "van-2").field("driveRef", run));
            assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
            String uploadId = accepted.location().substring(accepted.location().lastIndexOf('/') + 1);

            // The upload first, until it runs with a committed chunk; then the stream. Started
            // together, a loaded machine could take longer to reach that point than the drive
            // takes to stream, and the kill would come after the last frame.
            await(STEP, "the upload running with a committed chunk", () -> lastServer(uploadId, "PROCESSING") != null
                    && jdbc.queryForObject("SELECT committed_frame FROM upload_job WHERE id = ?::uuid", Long.class,
                            uploadId) >= 2);

            // The vehicle streams.
            pub = LiveFixtures.vehicleClient(LiveFixtures.uniqueId("vehicle"), "461", vehicle).toAsync();
            Mqtt5AsyncClient vehicleClient = pub;
            List<LiveFixtures.SampleFrame> drive = LiveFixtures.sampleDrive();
            AtomicInteger published = new AtomicInteger();
            AtomicInteger stopAt = new AtomicInteger(drive.size());
            Future<?> streamed = vehicleThread.submit(() -> {
                LiveFixtures.publishPaced(vehicleClient, prefix + "/461/" + vehicle + "/frames", drive, "f", RATE, i -> {
                    boolean more = i < stopAt.get();
                    if (more) {
                        published.set(i + 1);
                    }
                    return more;
                });
                return null;
            });
            // The moment: the upload has committed a chunk on the instance running it, and that
            // instance has processed live frames and holds acknowledged ones it has not processed.
            // Whether it holds some depends on where its worker is at that instant (on a fast CPU a
            // frame waits only while the one before it is detected), so the instance is frozen
            // (SIGSTOP) and looked at; it is killed only when it is seen holding frames, and let go
            // on otherwise. What it held when frozen is what it held when killed.
            String[] runner = new String[1];
            ServiceProcess[] frozen = new ServiceProcess[1];
            List<String> held = new java.util.ArrayList<>();
            await(STEP, "upload running with a committed chunk, its instance holding live frames", () -> {
                runner[0] = lastServer(uploadId, "PROCESSING");
                if (runner[0] == null
                        || jdbc.queryForObject("SELECT committed_frame FROM upload_job WHERE id = ?::uuid", Long.class,
                                uploadId) < 2
                        || liveFrames("processed_by", runner[0], "done") == 0) {
                    return false;
                }
                ServiceProcess candidate = runner[0].equals(idA) ? a1 : b1;
                try {
                    candidate.pause();
                    assertThat(jdbc.queryForObject("SELECT state FROM upload_job WHERE id = ?::uuid", String.class, uploadId))
                            .as("the upload is still running when its instance is frozen (more images: -Dfailover.uploadImages)")
                            .isEqualTo("running");
                    held.clear();
                    held.addAll(jdbc.queryForList("SELECT frame_id FROM live_frame WHERE vehicle = ? AND state = 'queued' "
                            + "AND owner LIKE ?", String.class, vehicle, runner[0] + "-%"));
                    if (held.isEmpty()) {
                        candidate.resume();
                        return false;
                    }
                    frozen[0] = candidate;
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            });
            ServiceProcess victim = frozen[0];
            ServiceProcess survivor = victim == a ? b : a;
            String victimId = runner[0];
            String survivorId = victimId.equals(idA) ? idB : idA;
            List<String> heldAtKill = List.copyOf(held);
            int doneByVictim = liveFrames("processed_by", victimId, "done");
            long committedAtKill = jdbc.queryForObject("SELECT committed_frame FROM upload_job WHERE id = ?::uuid",
                    Long.class, uploadId);
            victim.kill();
            int publishedAtKill = published.get();
            stopAt.set(Math.min(drive.size(), publishedAtKill + AFTER_KILL));
            assertThat(heldAtKill).as("acknowledged frames the killed instance had not processed").isNotEmpty();

            // The upload finishes on the survivor, resumed after the killed attempt's last chunk.
            UploadClient survivorClient = new UploadClient(survivor.port());
            JsonNode job = survivorClient.awaitEnd(accepted.location(), STEP);
            assertThat(job.get("state").asText()).as("%s", job).isEqualTo("succeeded");
            assertThat(job.get("attempts").asInt()).as("killed attempt + the survivor's").isEqualTo(2);
            assertThat(lastServer(uploadId, "PROCESSING")).as("the attempt that finished ran on").isEqualTo(survivorId);
            long frames = job.get("frames").get("total").asLong();
            assertThat(committedAtKill).isLessThan(frames - 1);
            assertThat(job.get("frames").get("processed").asLong()).as("%s", job).isEqualTo(frames);
            assertThat(jdbc.queryForObject("SELECT ST_NPoints(track) FROM drive WHERE external_ref = ?", Integer.class, run))
                    .as("the drive's track has every frame once").isEqualTo((int) frames);
            assertThat(job.get("duplicatesSkipped").asInt()).isZero();
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM observation o JOIN drive d ON d.id = o.drive_id WHERE d.external_ref = ?""",
                    Integer.class, run)).isEqualTo(job.get("observations").asInt());

            // Every frame the killed instance had acknowledged is taken over once its lease ran out.
            streamed.get(STEP.toSeconds(), TimeUnit.SECONDS);
            int total = published.get();
            assertThat(total).as("frames the vehicle streamed after the kill").isEqualTo(publishedAtKill + AFTER_KILL);
            await(STEP, "the survivor processing the killed instance's acknowledged frames", () -> jdbc.queryForObject(
                    "SELECT count(*) FROM live_frame WHERE vehicle = ? AND frame_id = ANY(?) AND state = 'done'",
                    Integer.class, vehicle, heldAtKill.toArray(String[]::new)) == heldAtKill.size());
            assertThat(jdbc.queryForList("SELECT frame_id || ' by ' || processed_by FROM live_frame "
                    + "WHERE vehicle = ? AND frame_id = ANY(?) AND processed_by NOT LIKE ?", String.class, vehicle,
                    heldAtKill.toArray(String[]::new), survivorId + "-%")).as("taken over by the survivor").isEmpty();
            int beforeReturn = jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle);

            // What the broker kept for the killed instance's session arrives when it is back.
            back = ServiceProcess.start(victim.name + "-restarted", settings(victimId));
            back.awaitServing(START);
            await(STEP, "every published frame processed", () -> liveFrames("vehicle", vehicle, "done") == total);
            System.out.printf("failover: %d frames published, %d of them before the kill; at the kill the killed instance "
                    + "had processed %d and held %d acknowledged; %d were in the inbox before it came back; upload: %d frames, "
                    + "%d committed at the kill%n", total, publishedAtKill, doneByVictim, heldAtKill.size(), beforeReturn, frames,
                    committedAtKill + 1);

            // Exactly once: one row per frame id, done; what each instance counts as processed adds up.
            assertThat(jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle))
                    .isEqualTo(total);
            assertThat(jdbc.queryForObject("SELECT count(DISTINCT frame_id) FROM live_frame WHERE vehicle = ?",
                    Integer.class, vehicle)).isEqualTo(total);
            double bySurvivor = survivor.metric("vejsyn_live_frames_processed_total", "");
            double byReturned = back.metric("vejsyn_live_frames_processed_total", "");
            // A frame detected twice (say, claimed again while its taker still works on it) would be
            // stored once and its second result discarded: count the work, not only the outcome.
            for (ServiceProcess s : List.of(survivor, back)) {
                assertThat(s.metric("vejsyn_live_stage_seconds_count", "stage=\"georeference\""))
                        .as("frames %s detected and located, against frames it stored", s.name)
                        .isEqualTo(s.metric("vejsyn_live_frames_processed_total", ""));
            }
            assertThat(liveFrames("processed_by", victimId, "done")).as("rows done by the killed instance and its return")
                    .isEqualTo(doneByVictim + (int) byReturned);
            assertThat(liveFrames("processed_by", survivorId, "done")).isEqualTo((int) bySurvivor);
            assertThat(doneByVictim + bySurvivor + byReturned).as("frames processed, by all instances together")
                    .isEqualTo(total);

            // No observation twice; every finding's sightings its own; no finding duplicated.
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) - count(DISTINCT (source, frame_index, damage_type, box_x1, box_y1, box_x2, box_y2))
                    FROM observation""", Integer.class)).isZero();
            assertThat(jdbc.queryForObject("SELECT sum(observations) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle))
                    .isEqualTo(jdbc.queryForObject("SELECT count(*) FROM observation WHERE source LIKE ?", Integer.class,
                            "live/" + vehicle + "/%"));
            assertThat(jdbc.queryForObject("SELECT coalesce(sum(observation_count), 0) FROM finding", Long.class))
                    .isEqualTo(jdbc.queryForObject("SELECT count(*) FROM observation", Long.class));
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM finding f JOIN finding g ON f.id < g.id AND f.damage_type = g.damage_type
                        AND f.municipality_id = g.municipality_id AND ST_DWithin(f.geom::geography, g.geom::geography, 3.0)
                    WHERE f.status = 'open' AND g.status = 'open'""", Integer.class))
                    .as("open findings of one type within the merge radius").isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM drive WHERE vehicle = ?", Integer.class, vehicle)).isEqualTo(1);
        } finally {
            vehicleThread.shutdownNow();
            if (pub != null) {
                pub.disconnect();
            }
            ServiceProcess.closeAll(a, b, back);
        }
    }

    /** Live frames of this test's vehicle in {@code state} whose {@code column} names this instance (or vehicle). */
    private int liveFrames(String column, String who, String state) {
        String match = column.equals("vehicle") ? who : who + "-%";
        return jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = ? AND " + column + " LIKE ?",
                Integer.class, vehicle, state, match);
    }

    /** The JobRunr server name of the last {@code state} (e.g. PROCESSING) of the upload's job; null before. */
    private String lastServer(String uploadId, String state) {
        List<String> jobs = jdbc.queryForList("SELECT jobasjson FROM jobrunr_jobs WHERE jobasjson LIKE ?", String.class,
                "%" + uploadId + "%");
        String server = null;
        for (String j : jobs) {
            try {
                for (JsonNode h : JSON.readTree(j).path("jobHistory")) {
                    if (state.equals(h.path("state").asText())) {
                        server = h.path("serverName").asText(null);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return server;
    }
}
