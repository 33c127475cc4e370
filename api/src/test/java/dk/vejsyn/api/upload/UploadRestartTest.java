package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.api.VejsynApplication;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A job survives a restart of the service: the service is stopped while a job runs (its context
 * closed, as on SIGTERM), a new one is started on the same database, and the job completes there,
 * resuming after its last committed frame, with exactly the observations an uninterrupted run of
 * the same drive stores. Contexts are built by hand here because the test needs two in a row.
 */
class UploadRestartTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String OBSERVATION_KEYS = """
            SELECT o.frame_index || ' ' || o.damage_type || ' ' || o.box_x1 || ' ' || o.box_y1 || ' ' || o.box_x2 || ' ' || o.box_y2
            FROM observation o JOIN drive d ON d.id = o.drive_id WHERE d.external_ref = ? ORDER BY 1""";

    private ConfigurableApplicationContext service;

    private static ConfigurableApplicationContext startService() {
        return new SpringApplicationBuilder(VejsynApplication.class).web(WebApplicationType.SERVLET).run(
                "--spring.datasource.url=" + PostgisIntegrationTest.JDBC_URL,
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--jobrunr.background-job-server.enabled=true",
                // Stop quickly rather than let the job finish in the grace period.
                "--jobrunr.background-job-server.interrupt-jobs-await-duration-on-stop=1s",
                "--vejsyn.jobs.spool-dir=target/test-spool/restart",
                "--vejsyn.detection.workers=1",
                "--vejsyn.jobs.chunk-frames=3");
    }

    private static UploadClient client(ConfigurableApplicationContext ctx) {
        return new UploadClient(Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port")));
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void jobStoppedWithTheServiceResumesOnTheNextWithoutDuplicates() throws Exception {
        // Outlives both services.
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(PostgisIntegrationTest.JDBC_URL));
        service = startService();
        jdbc.execute("TRUNCATE upload_job, finding_event, observation, finding, drive RESTART IDENTITY CASCADE");
        UploadClient client = client(service);

        // The reference: the drive processed without interruption (another municipality, so the
        // two drives' findings do not merge).
        UploadClient of101 = new UploadClient(client.port(), TestTokens.bearer(Role.PLANNER, "101"));
        JsonNode baseline = of101.awaitEnd(of101.post(UploadClient.sampleVideo("baseline").field("municipality", "101"))
                .location(), TIMEOUT);
        assertThat(baseline.get("state").asText()).as("%s", baseline).isEqualTo("succeeded");
        List<String> expected = jdbc.queryForList(OBSERVATION_KEYS, String.class, "baseline");
        assertThat(expected).hasSize(baseline.get("observations").asInt()).isNotEmpty();

        // The same drive again; the service stops once a few chunks are committed.
        String location = client.post(UploadClient.sampleVideo("resumed")).location();
        JsonNode running;
        boolean sawEta = false;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        do {
            Thread.sleep(200);
            running = client.get(location).body();
            sawEta |= running.hasNonNull("etaSeconds");
            assertThat(System.nanoTime()).as("job never got going: %s", running).isLessThan(deadline);
        } while (running.get("frames").get("processed").asLong() < 9);
        assertThat(running.get("state").asText()).isEqualTo("running");
        assertThat(sawEta).as("a running job with progress has an ETA").isTrue();
        service.close();
        service = null;

        String id = location.substring(location.lastIndexOf('/') + 1);
        var stopped = jdbc.queryForMap("SELECT state, committed_frame, frames_total, frames_processed FROM upload_job WHERE id = ?::uuid", id);
        assertThat(stopped.get("state")).isEqualTo("queued");
        long committed = ((Number) stopped.get("committed_frame")).longValue();
        assertThat(committed).as("committed before the stop").isGreaterThanOrEqualTo(0)
                .isLessThan(((Number) stopped.get("frames_total")).longValue() - 1);
        int processedBeforeStop = ((Number) stopped.get("frames_processed")).intValue();

        // A new service on the same database picks the job up and completes it.
        service = startService();
        client = client(service);
        JsonNode done = client.awaitEnd(location, TIMEOUT);
        assertThat(done.get("state").asText()).as("%s", done).isEqualTo("succeeded");
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        assertThat(done.get("frames").get("processed").asLong())
                .as("frames of both attempts, none twice").isEqualTo(baseline.get("frames").get("processed").asLong());
        assertThat(processedBeforeStop).isPositive();
        assertThat(jdbc.queryForList(OBSERVATION_KEYS, String.class, "resumed")).isEqualTo(expected);
        assertThat(done.get("observations").asInt()).isEqualTo(expected.size());
        assertThat(done.get("duplicatesSkipped").asInt()).isZero();
        assertThat(jdbc.queryForObject("SELECT ST_NPoints(track) FROM drive WHERE external_ref = 'resumed'", Integer.class))
                .as("the drive's track has the frames of both attempts")
                .isEqualTo(baseline.get("frames").get("processed").asInt());
    }
}
