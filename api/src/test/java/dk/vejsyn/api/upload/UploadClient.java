package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.security.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Uploads over real HTTP (the servlet container's multipart parsing, size limits and spooling are
 * what is tested; MockMvc would bypass them), with parts streamed from files.
 */
public final class UploadClient {
    static final Path DRIVE = Path.of(System.getProperty("vejsyn.repo.root", ".."))
            .resolve("sample-images/odense-drive").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String authorization;
    private final int port;

    /** A client that calls as a planner of 461 (a real token: uploads go through security). */
    public UploadClient(int port) {
        this(port, TestTokens.bearer(Role.PLANNER, "461"));
    }

    /** A client that sends this {@code Authorization} header value. */
    public UploadClient(int port, String authorization) {
        this.base = "http://127.0.0.1:" + port;
        this.authorization = authorization;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** A multipart body under construction. */
    public static final class Form {
        private final String boundary = "vejsyn-" + UUID.randomUUID();
        private final List<BodyPublisher> parts = new ArrayList<>();

        public Form field(String name, String value) {
            parts.add(BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                    + "\"\r\n\r\n" + value + "\r\n", StandardCharsets.UTF_8));
            return this;
        }

        Form file(String name, String fileName, Path file) {
            try {
                parts.add(header(name, fileName));
                parts.add(BodyPublishers.ofFile(file));
                parts.add(BodyPublishers.ofString("\r\n"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public Form file(String name, String fileName, byte[] content) {
            parts.add(header(name, fileName));
            parts.add(BodyPublishers.ofByteArray(content));
            parts.add(BodyPublishers.ofString("\r\n"));
            return this;
        }

        private BodyPublisher header(String name, String fileName) {
            return BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                    + "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        }

        BodyPublisher publisher() {
            List<BodyPublisher> all = new ArrayList<>(parts);
            all.add(BodyPublishers.ofString("--" + boundary + "--\r\n"));
            return BodyPublishers.concat(all.toArray(BodyPublisher[]::new));
        }
    }

    /** The answer: status, Location and JSON body. */
    public record Answer(int status, String location, JsonNode body) {}

    public Answer post(Form form) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/drives"))
                .header("Content-Type", "multipart/form-data; boundary=" + form.boundary)
                .header("Authorization", authorization)
                .POST(form.publisher()).build();
        return send(req);
    }

    /**
     * Announces a body of {@code length} bytes with {@code Expect: 100-continue}, as curl does for
     * large uploads, and reads the answer without sending the body. (The JDK client's own
     * expect-continue handling waits forever on a final answer that closes the connection.)
     */
    Answer announceUpload(long length) {
        URI uri = URI.create(base);
        try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("POST /api/v1/drives HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: " + length
                    + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            if (response.toLowerCase().contains("transfer-encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("}") + 1);
            }
            return new Answer(status, null, JSON.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization).GET().build());
    }

    private Answer send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            return new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(null), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sample drive's video and track, with the given drive ref. */
    static Form sampleVideo(String driveRef) {
        return new Form().file("video", "drive.mp4", DRIVE.resolve("drive.mp4"))
                .file("track", "drive.gpx", DRIVE.resolve("drive.gpx"))
                .file("camera", "camera.json", DRIVE.resolve("camera.json"))
                .field("vehicle", "truck-7").field("driveRef", driveRef);
    }

    /** The sample drive's geotagged JPEGs as a zip, built here. */
    static byte[] sampleImagesZip() {
        return sampleImagesZip(Integer.MAX_VALUE);
    }

    /** The first {@code limit} of the sample drive's geotagged JPEGs (in name order) as a zip. */
    public static byte[] sampleImagesZip(int limit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes);
                Stream<Path> files = Files.list(DRIVE.resolve("images"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(limit).toList()) {
                zip.putNextEntry(new ZipEntry("drive/" + p.getFileName()));
                Files.copy(p, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Polls the job until it succeeded or failed. */
    public JsonNode awaitEnd(String location, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Answer a = get(location);
            assertThat(a.status()).isEqualTo(200);
            String state = a.body().get("state").asText();
            if (state.equals("succeeded") || state.equals("failed")) {
                return a.body();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job did not end in " + timeout + ": " + a.body());
            }
            Thread.sleep(500);
        }
    }
}
