package dk.vejsyn.api.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

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
    private static final List<String> VIDEO = List.of(".mp4", ".mov", ".mkv", ".avi");
    private static final List<String> TRACK = List.of(".gpx", ".nmea", ".csv");

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

    /**
     * A drive's parts: a zip of geotagged JPEGs ({@code images}), or a folder with one video, its
     * track (the one named like the video, else the only GPX/NMEA/CSV) and optionally
     * {@code camera.json}.
     */
    public static Map<String, Path> partsOf(Path drive) {
        Map<String, Path> parts = new LinkedHashMap<>();
        if (Files.isRegularFile(drive) && drive.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            parts.put("images", drive);
            return parts;
        }
        if (!Files.isDirectory(drive)) {
            throw new InputException(drive + ": not a drive folder (video + track) or a zip of geotagged JPEGs");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(drive)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new InputException(drive + ": cannot list: " + e.getMessage(), e);
        }
        List<Path> videos = files.stream().filter(f -> hasExtension(f, VIDEO)).toList();
        if (videos.size() != 1) {
            throw new InputException(drive + ": expected one video (" + String.join(", ", VIDEO) + "), found " + videos.size());
        }
        Path video = videos.get(0);
        String base = stem(video);
        List<Path> tracks = files.stream().filter(f -> hasExtension(f, TRACK)).toList();
        Optional<Path> named = tracks.stream().filter(t -> stem(t).equals(base)).findFirst();
        Path track = named.orElseGet(() -> {
            if (tracks.size() != 1) {
                throw new InputException(drive + ": expected the video's track (" + base + ".gpx/.nmea/.csv) or a single track file, found "
                        + tracks.size());
            }
            return tracks.get(0);
        });
        parts.put("video", video);
        parts.put("track", track);
        if (Files.isRegularFile(drive.resolve("camera.json"))) {
            parts.put("camera", drive.resolve("camera.json"));
        }
        return parts;
    }

    private static boolean hasExtension(Path f, List<String> extensions) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return extensions.stream().anyMatch(n::endsWith);
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
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
        Path state = stateFile(parts, sizes);
        String resumed = resumeSession(state).orElse(null);
        final String session;
        if (resumed == null) {
            session = createSession(parts, sizes);
            saveState(state, session);
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
        deleteState(state);
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
                                HttpRequest.BodyPublishers.ofInputStream(() -> range(file, first, length)), length));
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

    private static InputStream range(Path file, long first, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(first);
            InputStream in = Channels.newInputStream(ch);
            return new InputStream() {
                long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = in.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = in.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    // ---- state file ---------------------------------------------------------------------

    /** Where the session of these files on this server is remembered (null: nowhere). */
    private Path stateFile(Map<String, Path> parts, Map<String, Long> sizes) {
        if (options.stateDir() == null) {
            return null;
        }
        StringBuilder key = new StringBuilder(base).append('\n').append(options.driveRef()).append('\n');
        parts.forEach((name, file) -> {
            key.append(name).append('=').append(file.toAbsolutePath().normalize()).append(' ').append(sizes.get(name));
            try {
                key.append(' ').append(Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                // size alone
            }
            key.append('\n');
        });
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return options.stateDir().resolve(HexFormat.of().formatHex(h, 0, 12) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void saveState(Path state, String session) {
        if (state == null) {
            return;
        }
        try {
            Files.createDirectories(state.getParent());
            Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.createObjectNode().put("session", session).toString());
            Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload state " + state, e);
        }
    }

    private static void deleteState(Path state) {
        if (state != null) {
            try {
                Files.deleteIfExists(state);
            } catch (IOException e) {
                // harmless: the next run finds the session finished and answers its job
            }
        }
    }

    /** Bytes handed to the connection so far (ranges sent again after a drop count twice). */
    public long bytesSent() {
        return bytesSent;
    }
}
