package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.security.Role;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Resumable uploads over real HTTP with real tokens: a drive whose connection is cut mid-way
 * resumes from the server's offset and becomes the same job result as a one-shot
 * {@code POST /api/v1/drives} of it; a client that died mid-way is resumed by the next run from its
 * state file; wrong ranges, overlaps, gaps, sizes over the limit and expired sessions.
 */
@TestPropertySource(properties = {
    "jobrunr.background-job-server.enabled=true",
    "vejsyn.jobs.spool-dir=target/test-spool/resumable-it",
    "vejsyn.jobs.chunk-frames=4",
    "vejsyn.jobs.resumable.commit-every=64KB",
    "vejsyn.jobs.resumable.writer-lease=8s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ResumableUploadTest extends PostgisIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Path SPOOL = Path.of("target/test-spool/resumable-it").toAbsolutePath();

    @LocalServerPort
    int port;

    @Autowired
    ResumableUploads uploads;

    @TempDir
    Path state;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void clean() {
        jdbc.execute("TRUNCATE upload_job, upload_session CASCADE");
    }

    private ResumableUploadClient client(int port, String token, String driveRef, long chunk, int maxFailures) {
        return new ResumableUploadClient(new ResumableUploadClient.Options("http://127.0.0.1:" + port, token, null, null,
                driveRef, chunk, state, Duration.ofMillis(100), Duration.ofSeconds(2), maxFailures), line -> {
                    synchronized (log) {
                        log.add(line);
                    }
                });
    }

    private static String planner() {
        return TestTokens.bearer(Role.PLANNER, "461").substring("Bearer ".length());
    }

    private static Map<String, Path> sampleDrive() {
        Map<String, Path> parts = ResumableUploadClient.partsOf(UploadClient.DRIVE);
        assertThat(parts.keySet()).containsExactly("video", "track", "camera");
        assertThat(parts.get("track").getFileName().toString()).isEqualTo("drive.gpx");
        return parts;
    }

    private List<String> observations(String driveRef) {
        return jdbc.queryForList("""
                SELECT o.frame_index || ' ' || o.damage_type || ' ' || round(ST_Y(o.geom)::numeric, 7) || ' ' || round(ST_X(o.geom)::numeric, 7)
                  FROM observation o JOIN drive d ON d.id = o.drive_id WHERE d.external_ref = ? ORDER BY 1""", String.class, driveRef);
    }

    @Test
    void anUploadCutMidwayResumesFromTheServersOffsetAndBecomesTheSameJobAsAOneShotUpload() throws Exception {
        UploadClient oneShot = new UploadClient(port);
        JsonNode a = oneShot.awaitEnd(oneShot.post(UploadClient.sampleVideo("one-shot")).location(), TIMEOUT);
        assertThat(a.get("state").asText()).as("%s", a).isEqualTo("succeeded");

        Map<String, Path> parts = sampleDrive();
        long total = 0;
        for (Path p : parts.values()) {
            total += Files.size(p);
        }
        long chunk = 1024 * 1024;
        try (CuttingProxy proxy = new CuttingProxy(port)) {
            proxy.cutOnceAfter(2_600_000); // inside the video's third range
            ResumableUploadClient c = client(proxy.port(), planner(), "resumed", chunk, 10);
            ResumableUploadClient.Result r = c.upload(parts);
            assertThat(proxy.cuts()).as("the connection was cut").isEqualTo(1);
            assertThat(r.resumes()).isPositive();
            assertThat(log).anyMatch(l -> l.startsWith("connection lost while sending video"));
            // Resumed from the server's offset, not from the start: at most the cut range again.
            assertThat(r.bytesSent()).isLessThanOrEqualTo(total + chunk);
            assertThat(r.job()).matches("/api/v1/jobs/[0-9a-f-]{36}");
            JsonNode b = oneShot.awaitEnd(r.job(), TIMEOUT);
            assertThat(b.get("state").asText()).as("%s", b).isEqualTo("succeeded");
            assertThat(b.get("kind").asText()).isEqualTo("video");
            assertThat(b.get("frames")).isEqualTo(a.get("frames"));
            assertThat(b.get("observations").asInt()).isPositive().isEqualTo(a.get("observations").asInt());
            assertThat(observations("resumed")).isEqualTo(observations("one-shot"));
            // The session is finished and its bytes gone (the job had its own links; its folder is gone too).
            assertThat(jdbc.queryForObject("SELECT state FROM upload_session WHERE id = ?", String.class,
                    UUID.fromString(r.session().substring(r.session().lastIndexOf('/') + 1)))).isEqualTo("finished");
            assertThat(Files.exists(SPOOL.resolve("resumable").resolve(r.session().substring(r.session().lastIndexOf('/') + 1))))
                    .isFalse();
            // Finishing again (a client that lost the answer) gives the same job.
            HttpResponse<String> again = call("POST", r.session() + "/finish", null, null, planner());
            assertThat(again.statusCode()).isEqualTo(202);
            assertThat(again.headers().firstValue("Location")).contains(r.job());
        }
    }

    @Test
    void aClientThatDiedMidwayIsResumedByTheNextRunFromTheServersOffset() throws Exception {
        Path zip = state.resolve("drive.zip");
        Files.write(zip, UploadClient.sampleImagesZip(6));
        long size = Files.size(zip);
        Map<String, Path> parts = ResumableUploadClient.partsOf(zip);
        long chunk = 64 * 1024;
        ResumableUploadClient.Result r;
        try (CuttingProxy proxy = new CuttingProxy(port)) {
            proxy.cutOnceAfter(size / 2);
            // No retries: it gives up at the cut, as a client killed there would stop.
            ResumableUploadClient first = client(proxy.port(), planner(), null, chunk, 0);
            assertThatThrownBy(() -> first.upload(parts)).isInstanceOf(ResumableUploadClient.UploadFailedException.class);
            try (var files = Files.list(state)) {
                assertThat(files.filter(f -> !f.equals(zip)).count()).as("the state file names the session").isEqualTo(1);
            }
            String session = jdbc.queryForObject("SELECT '/api/v1/uploads/' || id FROM upload_session", String.class);
            long kept = jdbc.queryForObject("SELECT received FROM upload_session_part", Long.class);
            assertThat(kept).as("bytes the server kept of the cut run").isPositive().isLessThan(size);

            // The next run, for the same files and server.
            ResumableUploadClient second = client(proxy.port(), planner(), null, chunk, 5);
            r = second.upload(parts);
            assertThat(r.session()).isEqualTo(session);
            assertThat(r.resumes()).isPositive();
            assertThat(r.bytesSent()).as("only what the server did not have").isLessThanOrEqualTo(size - kept + chunk);
        }
        JsonNode job = new UploadClient(port).awaitEnd(r.job(), TIMEOUT);
        assertThat(job.get("state").asText()).as("%s", job).isEqualTo("succeeded");
        assertThat(job.get("kind").asText()).isEqualTo("images");
        assertThat(job.at("/frames/processed").asLong()).isEqualTo(6);
        try (var files = Files.list(state)) {
            assertThat(files.filter(f -> !f.equals(zip)).count()).as("the state file is gone").isZero();
        }
    }

    @Test
    void wrongRangesGapsOverlapsAndOversizeAreProblemsAndNothingAcknowledgedIsLost() throws Exception {
        String token = planner();
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        // Over the size limit (4 GB): refused before a byte is sent.
        HttpResponse<String> big = call("POST", "/api/v1/uploads", "application/json",
                "{\"parts\":[{\"name\":\"images\",\"fileName\":\"x.zip\",\"size\":5000000000}]}", token);
        assertProblem(big, 413, "upload-too-large");
        assertProblem(call("POST", "/api/v1/uploads", "application/json",
                "{\"parts\":[{\"name\":\"video\",\"fileName\":\"x.mp4\",\"size\":10}]}", token), 400, "missing-part");
        assertProblem(call("POST", "/api/v1/uploads", "application/json",
                "{\"parts\":[{\"name\":\"movie\",\"fileName\":\"x.mp4\",\"size\":10}]}", token), 400, "invalid-part");
        assertProblem(call("POST", "/api/v1/uploads", "application/json",
                "{\"parts\":[{\"name\":\"images\",\"fileName\":\"x.zip\",\"size\":0}]}", token), 400, "invalid-part");
        assertProblem(call("POST", "/api/v1/uploads", "application/json",
                "{\"parts\":[{\"name\":\"images\",\"size\":10},{\"name\":\"camera\",\"size\":100000}]}", token), 422, "invalid-upload");

        HttpResponse<String> created = call("POST", "/api/v1/uploads", "application/json",
                "{\"parts\":[{\"name\":\"images\",\"fileName\":\"drive.zip\",\"size\":" + data.length + "}]}", token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String s = created.headers().firstValue("Location").orElseThrow();
        String part = s + "/parts/images";
        Path file = SPOOL.resolve("resumable").resolve(s.substring(s.lastIndexOf('/') + 1)).resolve("images");

        assertProblem(put(part, null, new byte[10], token), 400, "invalid-content-range");
        assertProblem(put(part, "bytes 9-0/" + data.length, new byte[10], token), 400, "invalid-content-range");
        assertProblem(put(part, "bytes 0-9/999", new byte[10], token), 400, "invalid-content-range");
        HttpResponse<String> beyond = put(part, "bytes 299995-300004/" + data.length, new byte[10], token);
        assertProblem(beyond, 416, "range-beyond-size");
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + data.length);
        HttpResponse<String> gap = put(part, "bytes 100-199/" + data.length, Arrays.copyOfRange(data, 100, 200), token);
        assertProblem(gap, 409, "range-gap");
        assertThat(gap.headers().firstValue("Upload-Offset")).contains("0");
        assertProblem(put(s + "/parts/video", "bytes 0-9/10", new byte[10], token), 404, "upload-part-not-found");

        HttpResponse<String> first = put(part, "bytes 0-99999/" + data.length, Arrays.copyOfRange(data, 0, 100_000), token);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("Upload-Offset")).contains("100000");
        // The same range again, and one overlapping it with other bytes where they overlap: harmless.
        assertThat(put(part, "bytes 0-99999/" + data.length, Arrays.copyOfRange(data, 0, 100_000), token).statusCode()).isEqualTo(200);
        byte[] overlap = Arrays.copyOfRange(data, 50_000, 200_000);
        Arrays.fill(overlap, 0, 50_000, (byte) 0);
        HttpResponse<String> o = put(part, "bytes 50000-199999/" + data.length, overlap, token);
        assertThat(o.headers().firstValue("Upload-Offset")).contains("200000");
        assertThat(Arrays.copyOf(Files.readAllBytes(file), 200_000)).as("acknowledged bytes unchanged")
                .isEqualTo(Arrays.copyOf(data, 200_000));
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(uri(part)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.headers().firstValue("Upload-Offset")).contains("200000");
        assertThat(head.headers().firstValue("Upload-Length")).contains(Integer.toString(data.length));

        assertProblem(call("POST", s + "/finish", null, null, token), 409, "upload-incomplete");
        // Another municipality's planner, and another vehicle, do not see it.
        String other = TestTokens.bearer(Role.PLANNER, "101").substring("Bearer ".length());
        assertProblem(call("GET", s, null, null, other), 404, "upload-not-found");
        assertProblem(put(part, "bytes 200000-200009/" + data.length, new byte[10], other), 404, "upload-not-found");
        String vehicle = TestTokens.vehicle("461", "resumable-truck").substring("Bearer ".length());
        assertProblem(call("GET", s, null, null, vehicle), 404, "upload-not-found");

        JsonNode view = UploadClient.JSON.readTree(call("GET", s, null, null, token).body());
        assertThat(view.at("/parts/0/received").asLong()).isEqualTo(200_000);
        assertThat(call("DELETE", s, null, null, token).statusCode()).isEqualTo(204);
        assertThat(Files.exists(file.getParent())).isFalse();
        assertProblem(call("GET", s, null, null, token), 404, "upload-not-found");
    }

    @Test
    void anExpiredSessionIsDeletedWithItsBytes() throws Exception {
        String token = planner();
        HttpResponse<String> created = call("POST", "/api/v1/uploads", "application/json",
                "{\"parts\":[{\"name\":\"images\",\"fileName\":\"drive.zip\",\"size\":1000}]}", token);
        String s = created.headers().firstValue("Location").orElseThrow();
        UUID id = UUID.fromString(s.substring(s.lastIndexOf('/') + 1));
        assertThat(put(s + "/parts/images", "bytes 0-499/1000", new byte[500], token).statusCode()).isEqualTo(200);
        Path dir = SPOOL.resolve("resumable").resolve(id.toString());
        assertThat(dir.resolve("images")).hasSize(500);
        jdbc.update("UPDATE upload_session SET expires_at = now() - interval '1 second' WHERE id = ?", id);
        assertProblem(call("GET", s, null, null, token), 404, "upload-not-found");
        assertThat(uploads.expire()).isEqualTo(1);
        assertThat(Files.exists(dir)).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM upload_session_part", Integer.class)).isZero();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> call(String method, String path, String contentType, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Authorization", "Bearer " + token);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String range, byte[] body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/octet-stream")
                .header("Authorization", "Bearer " + token);
        if (range != null) {
            b.header("Content-Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String slug) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode p = UploadClient.JSON.readTree(r.body());
        assertThat(p.get("type").asText()).isEqualTo("https://vejsyn.dk/problems/" + slug);
        assertThat(p.get("detail").asText()).isNotBlank();
    }
}
