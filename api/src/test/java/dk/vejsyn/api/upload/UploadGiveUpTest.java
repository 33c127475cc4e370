package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dk.vejsyn.api.PostgisIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * When JobRunr gives up on an upload's job (every retry failed), the upload answers
 * {@code failed} with the last attempt's error, and its spooled footage is gone. The job server
 * is off in this context, so the accepted upload stays queued until the test gives up on it the
 * way JobRunr does: through the filter's {@code onFailedAfterRetries}.
 */
@TestPropertySource(properties = "vejsyn.jobs.spool-dir=target/test-spool/give-up")
class UploadGiveUpTest extends PostgisIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    UploadGiveUp giveUp;

    @Autowired
    UploadJobRepository jobs;

    UploadClient client;

    @BeforeEach
    void setUp() {
        jdbc.execute("TRUNCATE upload_job");
        client = new UploadClient(port);
    }

    @Test
    void aGivenUpJobEndsFailedWithItsLastErrorAndItsFootageIsDeleted() throws Exception {
        UploadClient.Answer accepted = client.post(UploadClient.sampleVideo("give-up-1"));
        assertThat(accepted.status()).isEqualTo(202);
        UUID id = UUID.fromString(accepted.body().get("id").asText());
        Path spoolDir = jobs.find(id).orElseThrow().spoolDir();
        assertThat(spoolDir.resolve("drive.mp4")).exists();
        jobs.markQueued(id, "attempt 6 failed (connection refused); retried unless attempts are used up");

        giveUp.onFailedAfterRetries(new Job(new JobDetails(new ProcessUpload(id))));

        JsonNode job = client.get(accepted.location()).body();
        assertThat(job.get("state").asText()).isEqualTo("failed");
        assertThat(job.get("error").asText()).startsWith("given up after 0 attempts; last: attempt 6 failed")
                .contains("connection refused");
        assertThat(Files.exists(spoolDir)).as("spool folder of the given-up job").isFalse();

        // Once ended, an upload stays as it ended (JobRunr may report a job twice).
        giveUp.onFailedAfterRetries(new Job(new JobDetails(new ProcessUpload(id))));
        assertThat(client.get(accepted.location()).body().get("error").asText()).isEqualTo(job.get("error").asText());
    }

    @Test
    void aSucceededUploadIsNotTouched() throws Exception {
        UploadClient.Answer accepted = client.post(UploadClient.sampleVideo("give-up-2"));
        UUID id = UUID.fromString(accepted.body().get("id").asText());
        jobs.markSucceeded(id, "runtime: ATen convolutions (test)", 0);

        giveUp.onFailedAfterRetries(new Job(new JobDetails(new ProcessUpload(id))));

        assertThat(client.get(accepted.location()).body().get("state").asText()).isEqualTo("succeeded");
    }
}
