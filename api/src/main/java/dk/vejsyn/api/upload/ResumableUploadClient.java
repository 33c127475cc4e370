package dk.vejsyn.api.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The client side of resumable uploads ({@code bin/vejsyn upload}; plain JDK {@link HttpClient}, no
 * Spring): opens a session for a drive's files, sends each file in ranges of {@code chunkSize},
 * and after any failure — a dropped connection, a 5xx, a 503 or 429 (waiting its
 * {@code Retry-After}) — waits with exponential back-off, asks the server how much it has and goes
 * on from there, never from the start. The session's address is kept in a small state file
 * ({@code stateDir}), so a client killed and started again for the same files resumes too. Gives up
 * after {@code maxFailures} failures in a row without progress.
 */
public final class ResumableUploadClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How to upload. {@code driveRef}, {@code municipality}, {@code vehicle}: null for the server's defaults. */
    public record Options(String server, String token, String municipality, String vehicle, String driveRef,
            long chunkSize, Path stateDir, Duration initialBackoff, Duration maxBackoff, int maxFailures) {}

    /** The server refused the upload (a 4xx other than the ones a resume handles), or it kept failing. */
    public static final class UploadFailedException extends RuntimeException {
        private final int status;

        UploadFailedException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status, or 0 when the server could not be reached. */
        public int status() {
            return status;
        }
    }

    /** The outcome: the job's address and first answer, how many bytes went over the wire, how often it resumed. */
    public record Result(String session, String job, JsonNode jobView, long bytesSent, int resumes) {}

    private final Options options;
    private final Consumer<String> log;
    private final HttpClient http;
    private final String base;
    private long bytesSent;
    private int resumes;

    public ResumableUploadClient(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
        this.base = options.server().replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
        if (options.chunkSize() < 1) {
            throw new InputException("--chunk-size must be positive: " + options.chunkSize());
        }
    }

    /** A drive's parts (name → file): {@link DriveParts#of}. */
    public static Map<String, Path> partsOf(Path drive) {
        return DriveParts.of(drive);
    }

    /** Uploads {@code parts} (name → file) and finishes the session; returns the job. */
    public Result upload(Map<String, Path> parts) throws InterruptedException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (var e : parts.entrySet()) {
            try {
                sizes.put(e.getKey(), Files.size(e.getValue()));
            } catch (IOException ex) {
                throw new InputException(e.getValue() + ": cannot read: " + ex.getMessage(), ex);
            }
        }
        Path state = UploadStateFile.of(options.stateDir(), base, options.driveRef(), parts, sizes);
        String resumed = resumeSession(state).orElse(null);
        final String session;
        if (resumed == null) {
            session = createSession(parts, sizes);
            UploadStateFile.save(state, session);
        } else {
            session = resumed;
        }
        JsonNode view = retrying("read the upload " + session, () -> get(session), null);
        for (var e : parts.entrySet()) {
            long received = receivedOf(view, e.getKey());
            sendPart(session, e.getKey(), e.getValue(), sizes.get(e.getKey()), received);
        }
        HttpResponse<String> finished = retrying("finish the upload", () -> send(HttpRequest.newBuilder(uri(session + "/finish"))
                .POST(HttpRequest.BodyPublishers.noBody()), Duration.ofMinutes(5)), 202);
        JsonNode job = parse(finished.body());
        String location = finished.headers().firstValue("Location").orElse("/api/v1/jobs/" + job.path("id").asText());
        UploadStateFile.delete(state);
        log.accept("upload complete: " + bytesSent + " bytes sent, " + resumes + " resume(s); job " + location);
        return new Result(session, location, job, bytesSent, resumes);
    }

    /** Polls the job until it succeeded or failed; returns its last view. */
    public JsonNode awaitJob(String location, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true) {
            JsonNode job = parse(retrying("read the job", () -> send(HttpRequest.newBuilder(uri(location)).GET(),
                    Duration.ofSeconds(30)), 200).body());
            String state = job.path("state").asText();
            String line = "job " + state + ": frames " + job.at("/frames/done").asText() + "/" + job.at("/frames/total").asText();
            if (!line.equals(last)) {
                log.accept(line);
                last = line;
            }
            if (state.equals("succeeded") || state.equals("failed")) {
                return job;
            }
            if (System.nanoTime() > end) {
                throw new UploadFailedException(0, "the job did not end within " + timeout + ": " + job);
            }
            Thread.sleep(1000);
        }
    }

    // ---- session -------------------------------------------------------------------------

    private String createSession(Map<String, Path> parts, Map<String, Long> sizes) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("municipality", options.municipality());
        body.put("vehicle", options.vehicle());
        body.put("driveRef", options.driveRef());
        ArrayNode list = body.putArray("parts");
        parts.forEach((name, file) -> list.addObject().put("name", name).put("fileName", file.getFileName().toString())
                .put("size", sizes.get(name)));
        HttpResponse<String> r = retrying("open an upload", () -> send(HttpRequest.newBuilder(uri("/api/v1/uploads"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)), Duration.ofSeconds(60)), 201);
        String location = r.headers().firstValue("Location")
                .orElseThrow(() -> new UploadFailedException(r.statusCode(), "the server gave no upload address"));
        log.accept("upload " + location + " opened: " + sizes.values().stream().mapToLong(Long::longValue).sum() + " bytes in "
                + parts.keySet());
        return location;
    }

    /** The session of the state file, if the server still has it open (or finished). */
    private Optional<String> resumeSession(Path state) throws InterruptedException {
        if (state == null || !Files.isRegularFile(state)) {
            return Optional.empty();
        }
        String session;
        try {
            session = JSON.readTree(state.toFile()).path("session").asText(null);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (session == null) {
            return Optional.empty();
        }
        try {
            get(session);
            log.accept("resuming upload " + session);
            resumes++;
            return Optional.of(session);
        } catch (UploadFailedException e) {
            if (e.status() == 404) {
                log.accept("upload " + session + " is gone (expired?); starting a new one");
                return Optional.empty();
            }
            throw e;
        }
    }

    private JsonNode get(String session) {
        HttpResponse<String> r = sendOnce(HttpRequest.newBuilder(uri(session)).GET(), Duration.ofSeconds(30));
        if (r.statusCode() != 200) {
            throw refused(r);
        }
        return parse(r.body());
    }

    private static long receivedOf(JsonNode session, String part) {
        for (JsonNode p : session.path("parts")) {
            if (p.path("name").asText().equals(part)) {
                return p.path("received").asLong();
            }
        }
        throw new UploadFailedException(0, "the server's upload has no part '" + part + "'");
    }

    // ---- ranges -------------------------------------------------------------------------

    private void sendPart(String session, String name, Path file, long size, long received) throws InterruptedException {
        int failures = 0;
        Duration backoff = options.initialBackoff();
        long lastLogged = -1;
        while (received < size) {
            long first = received;
            long last = Math.min(size, first + options.chunkSize()) - 1;
            long length = last - first + 1;
            Duration wait = null;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(uri(session + "/parts/" + name))
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", "bytes " + first + "-" + last + "/" + size)
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> DriveParts.range(file, first, length)), length));
                bytesSent += length; // what is handed to the connection (an upper bound when it drops)
                HttpResponse<String> r = sendOnce(b, timeoutFor(length));
                int status = r.statusCode();
                if (status == 200 || status == 409) {
                    JsonNode body = parse(r.body());
                    long now = r.headers().firstValue("Upload-Offset").map(Long::parseLong)
                            .orElse(body.path("received").asLong(received));
                    if (now > received) {
                        failures = 0;
                        backoff = options.initialBackoff();
                    }
                    received = now;
                    if (status == 409) {
                        wait = retryAfter(r).orElse(null);
                    }
                } else if (status == 503 || status == 429) {
                    wait = retryAfter(r).orElse(backoff);
                    log.accept("server busy (" + status + "); sending again in " + wait.toSeconds() + " s");
                } else if (status >= 500) {
                    failures++;
                    wait = backoff;
                    log.accept("server error " + status + " on " + name + "; again in " + wait.toMillis() + " ms");
                } else {
                    throw refused(r);
                }
            } catch (ConnectionLost e) {
                failures++;
                wait = backoff;
                log.accept("connection lost while sending " + name + " (" + e.getMessage() + "); resuming in "
                        + wait.toMillis() + " ms");
            }
            if (failures > options.maxFailures()) {
                throw new UploadFailedException(0, "giving up after " + failures + " failures in a row; run the same command "
                        + "again to resume upload " + session);
            }
            if (wait != null) {
                Thread.sleep(wait.toMillis());
                if (failures > 0) {
                    backoff = min(backoff.multipliedBy(2), options.maxBackoff());
                    // Ask where to go on: the server kept whatever arrived before the failure.
                    try {
                        long now = receivedOf(get(session), name);
                        if (now != received) {
                            log.accept(name + ": the server has " + now + " of " + size + " bytes; going on from there");
                        }
                        received = now;
                        resumes++;
                    } catch (ConnectionLost e) {
                        // Still away: try again after the next back-off.
                    }
                }
            }
            if (received * 10 / size != lastLogged) {
                lastLogged = received * 10 / size;
                log.accept(name + ": " + received + " / " + size + " bytes");
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration timeoutFor(long length) {
        // At least 50 kB/s (a poor mobile link) before a range is given up as stalled.
        return Duration.ofSeconds(Math.max(60, length / 50_000));
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Math.min(300, Long.parseLong(v.strip())))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    // ---- HTTP ---------------------------------------------------------------------------

    /** A request could not be completed: the connection dropped, timed out or was refused. */
    private static final class ConnectionLost extends RuntimeException {
        ConnectionLost(IOException cause) {
            super(cause.toString(), cause);
        }
    }

    private interface Call {
        HttpResponse<String> run() throws InterruptedException;
    }

    private interface ViewCall {
        JsonNode run() throws InterruptedException;
    }

    /** Repeats a small request through dropped connections, 5xx, 503/429 (Retry-After); expects {@code status}. */
    private HttpResponse<String> retrying(String what, Call call, int status) throws InterruptedException {
        int failures = 0;
        Duration backoff = options.initialBackoff();
        while (true) {
            Duration wait;
            try {
                HttpResponse<String> r = call.run();
                if (r.statusCode() == status) {
                    return r;
                }
                if (r.statusCode() == 503 || r.statusCode() == 429 || r.statusCode() == 409 && retryAfter(r).isPresent()) {
                    wait = retryAfter(r).orElse(backoff);
                } else if (r.statusCode() >= 500) {
                    wait = backoff;
                    failures++;
                } else {
                    throw refused(r);
                }
            } catch (ConnectionLost e) {
                wait = backoff;
                failures++;
                log.accept("cannot " + what + " (" + e.getMessage() + "); again in " + wait.toMillis() + " ms");
            }
            if (failures > options.maxFailures()) {
                throw new UploadFailedException(0, "cannot " + what + " after " + failures + " attempts");
            }
            Thread.sleep(wait.toMillis());
            backoff = min(backoff.multipliedBy(2), options.maxBackoff());
        }
    }

    private JsonNode retrying(String what, ViewCall call, Void unused) throws InterruptedException {
        int failures = 0;
        Duration backoff = options.initialBackoff();
        while (true) {
            try {
                return call.run();
            } catch (ConnectionLost e) {
                if (++failures > options.maxFailures()) {
                    throw new UploadFailedException(0, "cannot " + what + " after " + failures + " attempts");
                }
                log.accept("cannot " + what + " (" + e.getMessage() + "); again in " + backoff.toMillis() + " ms");
                Thread.sleep(backoff.toMillis());
                backoff = min(backoff.multipliedBy(2), options.maxBackoff());
            }
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b, Duration timeout) {
        return sendOnce(b, timeout);
    }

    private HttpResponse<String> sendOnce(HttpRequest.Builder b, Duration timeout) {
        try {
            return http.send(b.header("Authorization", "Bearer " + options.token()).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConnectionLost(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionLost(new java.io.InterruptedIOException("interrupted"));
        }
    }

    private URI uri(String path) {
        return URI.create(path.startsWith("http") ? path : base + path);
    }

    private static UploadFailedException refused(HttpResponse<String> r) {
        String detail = r.body();
        try {
            JsonNode p = JSON.readTree(r.body());
            if (p != null && p.has("detail")) {
                detail = p.path("title").asText() + ": " + p.path("detail").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the raw body
        }
        return new UploadFailedException(r.statusCode(), "the server refused (" + r.statusCode() + "): " + detail);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UploadFailedException(0, "the server's answer is not JSON: " + body);
        }
    }

    /** Bytes handed to the connection so far (ranges sent again after a drop count twice). */
    public long bytesSent() {
        return bytesSent;
    }
}
