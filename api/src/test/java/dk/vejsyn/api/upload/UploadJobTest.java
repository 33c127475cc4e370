package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.SampleDriveDetectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Uploads become jobs that run the detection pipeline over the bundled drive into PostGIS: video +
 * GPX, and the drive's JPEGs as a zip. Detection is the drive's ground truth
 * ({@link SampleDriveDetectors}): this checks the job plumbing, not the model (the real model on
 * the same drive: {@code SampleDriveToFindingsTest}, {@code SampleDriveAccuracyTest}, the demo).
 * This context runs JobRunr's background server; it is closed after the class so that no other
 * test's jobs are taken by it.
 */
@Import(SampleDriveDetectors.Config.class)
@TestPropertySource(properties = {
    "jobrunr.background-job-server.enabled=true",
    "vejsyn.jobs.spool-dir=target/test-spool/jobs",
    "vejsyn.jobs.chunk-frames=4"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UploadJobTest extends PostgisIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @LocalServerPort
    int port;

    UploadClient client;

    @BeforeEach
    void setUp() {
        jdbc.execute("TRUNCATE upload_job");
        client = new UploadClient(port);
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.jobrunr.server.BackgroundJobServer jobServer;

    /**
     * The filters the running job server applies. JobRunr keeps the list package-private, so it is
     * read by reflection here rather than by a class of ours inside JobRunr's package.
     */
    private static java.util.List<?> filtersOf(org.jobrunr.server.BackgroundJobServer server) throws Exception {
        var getter = org.jobrunr.jobs.filters.JobDefaultFilters.class.getDeclaredMethod("getFilters");
        getter.setAccessible(true);
        return (java.util.List<?>) getter.invoke(server.getJobFilters());
    }

    @Test
    void theJobServerRetriesAndThenGivesUpThroughUploadGiveUp() throws Exception {
        assertThat(filtersOf(jobServer))
                .hasAtLeastOneElementOfType(org.jobrunr.jobs.filters.RetryFilter.class)
                .hasAtLeastOneElementOfType(UploadGiveUp.class);
    }

    @Test
    void videoUploadBecomesFindingsAndTheSameDriveAgainAddsNothing() throws Exception {
        UploadClient.Answer accepted = client.post(UploadClient.sampleVideo("odense-1"));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.location()).matches("/api/v1/jobs/[0-9a-f-]{36}");
        assertThat(accepted.body().get("id").asText()).isEqualTo(accepted.location().substring("/api/v1/jobs/".length()));
        assertThat(accepted.body().get("state").asText()).isEqualTo("queued");

        JsonNode job = client.awaitEnd(accepted.location(), TIMEOUT);
        assertThat(job.get("state").asText()).as("job %s", job).isEqualTo("succeeded");
        assertThat(job.get("frames").get("total").asLong()).isPositive();
        assertThat(job.get("frames").get("done").asLong()).isEqualTo(job.get("frames").get("total").asLong());
        assertThat(job.get("frames").get("processed").asLong()).isPositive();
        int observations = job.get("observations").asInt();
        assertThat(observations).isPositive();
        assertThat(count("select count(*) from observation o join drive d on d.id = o.drive_id where d.external_ref = 'odense-1'"))
                .isEqualTo(observations);
        int findings = count("select count(*) from finding");
        assertThat(findings).isPositive().isEqualTo(job.get("findingsCreated").asInt()).isEqualTo(job.get("findings").asInt());
        // The drive carries its whole track, and the observations name the uploaded file, not the spool.
        assertThat(count("select ST_NPoints(track) from drive where external_ref = 'odense-1'"))
                .isEqualTo(job.get("frames").get("processed").asInt());
        assertThat(jdbc.queryForList("select distinct source from observation", String.class)).containsExactly("drive.mp4");
        assertThat(spooledJobs()).as("spool folder removed when the job ends").isZero();

        // The same drive again: a job that runs, and adds nothing.
        JsonNode again = client.awaitEnd(client.post(UploadClient.sampleVideo("odense-1")).location(), TIMEOUT);
        assertThat(again.get("state").asText()).isEqualTo("succeeded");
        assertThat(again.get("observations").asInt()).isZero();
        assertThat(again.get("duplicatesSkipped").asInt()).isEqualTo(observations);
        assertThat(count("select count(*) from observation")).isEqualTo(observations);
        assertThat(count("select count(*) from finding")).isEqualTo(findings);
        assertThat(count("select count(*) from drive")).isEqualTo(1);
    }

    @Test
    void zipOfGeotaggedImagesBecomesFindings() throws Exception {
        UploadClient.Answer accepted = client.post(new UploadClient.Form()
                .file("images", "odense-drive.zip", UploadClient.sampleImagesZip())
                .field("municipality", "461").field("vehicle", "van-2"));
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        JsonNode job = client.awaitEnd(accepted.location(), TIMEOUT);
        assertThat(job.get("state").asText()).as("job %s", job).isEqualTo("succeeded");
        assertThat(job.get("kind").asText()).isEqualTo("images");
        assertThat(job.get("vehicle").asText()).isEqualTo("van-2");
        assertThat(job.get("driveRef").asText()).startsWith("upload:");
        long images;
        try (Stream<Path> files = Files.list(UploadClient.DRIVE.resolve("images"))) {
            images = files.filter(f -> f.toString().endsWith(".jpg")).count();
        }
        assertThat(job.get("frames").get("total").asLong()).isEqualTo(images);
        assertThat(job.get("frames").get("processed").asLong()).isEqualTo(images);
        assertThat(job.get("observations").asInt()).isPositive()
                .isEqualTo(count("select count(*) from observation"));
        assertThat(count("select count(*) from finding")).isPositive();
        assertThat(jdbc.queryForObject("select min(source) from observation", String.class))
                .startsWith("odense-drive.zip!/drive/drive-");
    }

    private int count(String sql) {
        return jdbc.queryForObject(sql, Integer.class);
    }

    static long spooledJobs() throws Exception {
        Path dir = Path.of("target/test-spool/jobs");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals("incoming")).count();
        }
    }
}
