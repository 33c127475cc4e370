package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.PostgisIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Unusable uploads are refused up front with a problem body naming the part and the line or
 * frame, and leave nothing behind: no job, no drive, no spooled file. The size limit is set to
 * 6 MB here (the sample video is 4.2 MB) to test the 413 without sending gigabytes.
 */
@TestPropertySource(properties = {
    "vejsyn.jobs.spool-dir=target/test-spool/rejections",
    "vejsyn.jobs.max-upload-size=6MB"})
class UploadRejectionTest extends PostgisIntegrationTest {
    private static final Path SPOOL = Path.of("target/test-spool/rejections");

    @LocalServerPort
    int port;

    UploadClient client;
    String gpx;

    @BeforeEach
    void setUp() throws Exception {
        jdbc.execute("TRUNCATE upload_job");
        client = new UploadClient(port);
        gpx = Files.readString(UploadClient.DRIVE.resolve("drive.gpx"));
    }

    @AfterEach
    void nothingStored() throws Exception {
        assertThat(jdbc.queryForObject("select count(*) from upload_job", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from drive", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from observation", Integer.class)).isZero();
        try (Stream<Path> s = Files.list(SPOOL)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("spool folders").containsOnly("incoming");
        }
    }

    private UploadClient.Answer postVideo(byte[] video, String track) {
        return client.post(new UploadClient.Form().file("video", "drive.mp4", video)
                .file("track", "drive.gpx", track.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertProblem(UploadClient.Answer a, int status, String slug, String... detailParts) {
        assertThat(a.status()).as("%s", a.body()).isEqualTo(status);
        assertThat(a.body().get("type").asText()).isEqualTo("https://vejsyn.dk/problems/" + slug);
        assertThat(a.body().get("status").asInt()).isEqualTo(status);
        assertThat(a.body().get("detail").asText()).contains(detailParts).doesNotContain(SPOOL.toAbsolutePath().toString());
    }

    @Test
    void corruptVideoIs422NamingThePart() throws Exception {
        byte[] noise = new byte[200_000];
        new Random(7).nextBytes(noise);
        assertProblem(postVideo(noise, gpx), 422, "invalid-upload", "part 'video' (drive.mp4)", "not a readable video");
    }

    @Test
    void malformedGpxIs422NamingThePartAndLine() throws Exception {
        String truncated = gpx.substring(0, gpx.indexOf("</trkpt>", 2000) + 3);
        assertProblem(postVideo(Files.readAllBytes(UploadClient.DRIVE.resolve("drive.mp4")), truncated),
                422, "invalid-upload", "part 'track' (drive.gpx)", "not a valid GPX", "[row,col]:[");
    }

    @Test
    void coordinatesOutOfRangeAre422() throws Exception {
        String bad = gpx.replaceFirst("lat=\"55\\.[0-9]+\"", "lat=\"95.5\"");
        assertProblem(postVideo(Files.readAllBytes(UploadClient.DRIVE.resolve("drive.mp4")), bad),
                422, "invalid-upload", "part 'track' (drive.gpx)", "95.5");
    }

    @Test
    void trackThatDoesNotOverlapTheVideoIs422() throws Exception {
        String dayLater = gpx.replace("2026-10-14T", "2026-10-15T");
        assertProblem(postVideo(Files.readAllBytes(UploadClient.DRIVE.resolve("drive.mp4")), dayLater),
                422, "invalid-upload", "part 'video' (drive.mp4)", "does not overlap the track", "part 'track' (drive.gpx)");
    }

    @Test
    void zipWithoutImagesIs422() {
        UploadClient.Answer a = client.post(new UploadClient.Form().file("images", "photos.zip", new byte[] {
            'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertProblem(a, 422, "invalid-upload", "part 'images' (photos.zip)");
    }

    @Test
    void uploadOverTheLimitIs413BeforeItsBodyIsSent() {
        assertProblem(client.announceUpload(7L * 1024 * 1024), 413, "upload-too-large",
                "vejsyn.jobs.max-upload-size", "6291456 bytes");
    }

    @Test
    void missingTrackIs400AndAnotherMunicipality403() {
        UploadClient.Answer a = client.post(new UploadClient.Form().file("video", "drive.mp4", new byte[100]));
        assertProblem(a, 400, "missing-part", "part 'track' is missing");
        assertProblem(client.post(new UploadClient.Form().field("vehicle", "x")), 400, "missing-part", "either");
        // The client is a planner of 461: another municipality, existing (101) or not (998), is refused alike.
        for (String other : new String[] {"998", "101"}) {
            UploadClient.Answer b = client.post(new UploadClient.Form().file("images", "a.zip", new byte[100])
                    .field("municipality", other));
            assertProblem(b, 403, "forbidden", "municipality 461 only");
        }
    }

    @Test
    void unknownJobIs404AndMalformedId400() {
        assertProblem(client.get("/api/v1/jobs/6f1c9a4e-0000-4000-8000-000000000000"), 404, "job-not-found",
                "6f1c9a4e-0000-4000-8000-000000000000");
        assertProblem(client.get("/api/v1/jobs/not-a-uuid"), 400, "invalid-parameter", "not-a-uuid");
    }
}
