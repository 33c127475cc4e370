package dk.vejsyn.api.upload;

import dk.vejsyn.api.config.JobProperties;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import dk.vejsyn.api.security.Caller;
import dk.vejsyn.api.security.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Resumable uploads: a session declares the parts of a drive (as {@code POST /api/v1/drives} takes
 * them: {@code video} + {@code track}, or {@code images}; optional {@code camera}) with their sizes;
 * the client sends each part in byte ranges over as many requests and connections as it takes; the
 * finished session goes to {@link DriveUploads} exactly as a one-shot upload does.
 *
 * <p>Durability: bytes are written at their place in the part's spool file and fsync'ed before the
 * part's {@code received} count moves past them, at least every {@code commit-every} bytes and at
 * the end of each request, and also when the connection drops mid-range (what arrived is kept). The
 * count only grows over a contiguous prefix: a range starting after it is refused (409, with the
 * count), a range overlapping it has its known prefix skipped, so repeats are harmless.
 *
 * <p>Why one class of about 500 lines: the session rows, the part files and their fsync, the
 * writer claim and the expiry share the one invariant above ({@code received} only grows over
 * bytes that are on disk); kept together, every path that moves the count can be read at once.
 */
@Service
public class ResumableUploads {
    private static final Logger log = LoggerFactory.getLogger(ResumableUploads.class);
    /** Part names, as the multipart upload names them. */
    static final Set<String> PARTS = Set.of("video", "track", "images", "camera");
    private static final long MAX_CAMERA_BYTES = 64 * 1024;

    /** One part of a session. */
    record Part(String name, String fileName, long size, long received) {
        boolean complete() {
            return received == size;
        }
    }

    /** A session as stored. */
    record Session(UUID id, int municipalityId, String municipality, String vehicle, String driveRef,
            String createdByVehicle, String state, UUID jobId, Instant expiresAt, List<Part> parts) {
        Optional<Part> part(String name) {
            return parts.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }

    /** What the client declares: a part's name, original file name and size in bytes. */
    public record PartRequest(String name, String fileName, Long size) {}

    /** {@code POST /api/v1/uploads}: where the drive belongs and its parts. */
    public record SessionRequest(String municipality, String vehicle, String driveRef, List<PartRequest> parts) {}

    private final JdbcClient jdbc;
    private final JobProperties jobs;
    private final ResumableProperties props;
    private final Municipalities municipalities;
    private final DriveUploads uploads;
    private final UploadJobRepository jobRepository;
    private final Clock clock = Clock.systemUTC();

    ResumableUploads(JdbcClient jdbc, JobProperties jobs, ResumableProperties props, Municipalities municipalities,
            DriveUploads uploads, UploadJobRepository jobRepository) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.props = props;
        this.municipalities = municipalities;
        this.uploads = uploads;
        this.jobRepository = jobRepository;
    }

    ResumableProperties properties() {
        return props;
    }

    Path root() {
        return jobs.spoolDir().resolve("resumable").toAbsolutePath().normalize();
    }

    private Path file(UUID session, String part) {
        return root().resolve(session.toString()).resolve(part);
    }

    // ---- create ----------------------------------------------------------------------------

    /** Opens a session after checking its parts (names, sizes, the size limit) and who may upload what. */
    Session create(SessionRequest r, Caller caller) {
        if (r == null || r.parts() == null || r.parts().isEmpty()) {
            throw ApiException.badRequest("missing-part", "Missing upload part",
                    "declare the parts: 'video' and 'track' (GPX, NMEA or CSV), or 'images' (a zip of geotagged JPEGs); 'camera' optional");
        }
        String municipality = r.municipality();
        String vehicle = r.vehicle();
        // As POST /api/v1/drives: the caller's municipality (the default), and a vehicle token's own vehicle.
        if (municipality == null || municipality.isBlank()) {
            municipality = caller.municipality();
        } else if (!caller.memberOf(municipality)) {
            throw ApiException.forbidden("this token uploads for municipality " + caller.municipality() + " only");
        }
        if (caller.role() == Role.VEHICLE) {
            if (vehicle != null && !vehicle.isBlank() && !vehicle.strip().equals(caller.vehicle())) {
                throw ApiException.forbidden("this token uploads for vehicle " + caller.vehicle() + " only");
            }
            vehicle = caller.vehicle();
        }
        if (r.driveRef() != null && r.driveRef().isBlank()) {
            throw ApiException.invalidParameter("driveRef must not be blank");
        }
        Municipality m = municipalities.require(municipality);
        Map<String, PartRequest> parts = new LinkedHashMap<>();
        long total = 0;
        for (PartRequest p : r.parts()) {
            if (p == null || p.name() == null || !PARTS.contains(p.name())) {
                throw ApiException.badRequest("invalid-part", "Unknown upload part",
                        "part names are video, track, images and camera: " + (p == null ? null : p.name()));
            }
            if (parts.put(p.name(), p) != null) {
                throw ApiException.badRequest("invalid-part", "Unknown upload part", "part '" + p.name() + "' declared twice");
            }
            if (p.size() == null || p.size() <= 0) {
                throw ApiException.badRequest("invalid-part", "Unknown upload part",
                        "part '" + p.name() + "' needs its size in bytes (> 0): " + p.size());
            }
            if (p.name().equals("camera") && p.size() > MAX_CAMERA_BYTES) {
                throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-upload", "Unusable upload",
                        "part 'camera' is larger than 64 KB: not a camera profile");
            }
            total += p.size();
        }
        boolean video = parts.containsKey("video") || parts.containsKey("track");
        if (video == parts.containsKey("images")) {
            throw ApiException.badRequest("missing-part", "Missing upload part",
                    "send either 'video' and 'track' (GPX, NMEA or CSV), or 'images' (a zip of geotagged JPEGs)");
        }
        if (video && !(parts.containsKey("video") && parts.containsKey("track"))) {
            throw ApiException.badRequest("missing-part", "Missing upload part", "part '"
                    + (parts.containsKey("video") ? "track" : "video") + "' is missing: a video needs its GPS track");
        }
        long max = jobs.maxUploadSize().toBytes();
        if (total > max) {
            throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "upload-too-large", "Upload too large",
                    "the upload (" + total + " bytes) is larger than the size limit (vejsyn.jobs.max-upload-size, "
                            + max + " bytes)");
        }
        UUID id = UUID.randomUUID();
        try {
            Files.createDirectories(root().resolve(id.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create upload session folder", e);
        }
        Instant now = clock.instant();
        jdbc.sql("""
                INSERT INTO upload_session (id, municipality_id, vehicle, drive_ref, created_by, created_by_vehicle, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(id, m.id(), vehicle == null || vehicle.isBlank() ? null : vehicle.strip(),
                        r.driveRef() == null ? null : r.driveRef().strip(), caller.name(),
                        caller.role() == Role.VEHICLE ? caller.vehicle() : null, Timestamp.from(now.plus(props.sessionExpiry())))
                .update();
        for (PartRequest p : parts.values()) {
            jdbc.sql("INSERT INTO upload_session_part (session_id, name, file_name, size) VALUES (?, ?, ?, ?)")
                    .params(id, p.name(), UploadSpool.safeName(p.fileName(), defaultName(p.name())), p.size()).update();
        }
        log.info("upload session {} opened by {} for {}: {} bytes in {}", id, caller.name(), m.code(), total, parts.keySet());
        return require(id, caller);
    }

    private static String defaultName(String part) {
        return switch (part) {
            case "video" -> "video.mp4";
            case "track" -> "track.gpx";
            case "images" -> "images.zip";
            default -> "camera.json";
        };
    }

    // ---- read ------------------------------------------------------------------------------

    /** The caller's session, or 404 for a session that is unknown, expired, or another's. */
    Session require(UUID id, Caller caller) {
        return find(id).filter(s -> caller.memberOf(s.municipality())
                        && (caller.role() != Role.VEHICLE || caller.vehicle().equals(s.createdByVehicle())))
                .orElseThrow(() -> new UploadSessionException(HttpStatus.NOT_FOUND, "upload-not-found",
                        "Unknown upload", "no upload session " + id + " (unknown, expired or finished long ago)"));
    }

    Optional<Session> find(UUID id) {
        List<Part> parts = jdbc.sql("SELECT name, file_name, size, received FROM upload_session_part WHERE session_id = ? ORDER BY name")
                .param(id).query((rs, n) -> new Part(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4))).list();
        return jdbc.sql("""
                SELECT s.id, s.municipality_id, m.code, s.vehicle, s.drive_ref, s.created_by_vehicle, s.state, s.job_id, s.expires_at
                  FROM upload_session s JOIN municipality m ON m.id = s.municipality_id
                 WHERE s.id = ? AND s.expires_at > now()""")
                .param(id).query((rs, n) -> new Session(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getObject(8, UUID.class),
                        rs.getTimestamp(9).toInstant(), parts))
                .optional();
    }

    // ---- write a range ----------------------------------------------------------------------

    /**
     * Writes the range {@code range} of part {@code name} from {@code body}.
     *
     * @param contentLength the request's announced length, or -1
     * @return the part afterwards
     */
    Part write(UUID id, String name, ContentRange range, long contentLength, InputStream body, Caller caller) throws IOException {
        Session s = require(id, caller);
        requireOpen(s);
        Part p = s.part(name).orElseThrow(() -> new UploadSessionException(HttpStatus.NOT_FOUND, "upload-part-not-found",
                "Unknown upload part", "upload " + id + " has no part '" + name + "' (it has " + names(s) + ")"));
        if (range == null) {
            throw new UploadSessionException(HttpStatus.BAD_REQUEST, "invalid-content-range", "Invalid Content-Range",
                    "send the chunk's place as Content-Range: bytes FIRST-LAST/" + p.size() + " (both ends inclusive)")
                    .with("received", p.received()).header("Upload-Offset", Long.toString(p.received()));
        }
        if (range.last() >= p.size()) {
            throw new UploadSessionException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range-beyond-size",
                    "Range beyond the part's size", "range " + range + " ends beyond part '" + name + "', declared as "
                            + p.size() + " bytes (last byte " + (p.size() - 1) + ")")
                    .with("size", p.size()).with("received", p.received())
                    .header("Content-Range", "bytes */" + p.size()).header("Upload-Offset", Long.toString(p.received()));
        }
        if (range.total() != p.size()) {
            throw new UploadSessionException(HttpStatus.BAD_REQUEST, "invalid-content-range", "Invalid Content-Range",
                    "range " + range + " gives the part's size as " + range.total() + "; it was declared as " + p.size())
                    .with("size", p.size()).with("received", p.received());
        }
        if (contentLength >= 0 && contentLength != range.length()) {
            throw new UploadSessionException(HttpStatus.BAD_REQUEST, "invalid-content-range", "Invalid Content-Range",
                    "Content-Length " + contentLength + " differs from the range " + range + " (" + range.length() + " bytes)")
                    .with("received", p.received());
        }
        if (range.first() > p.received()) {
            throw gap(id, p, range);
        }
        UUID writer = UUID.randomUUID();
        if (!claim(id, name, writer)) {
            long seconds = Math.max(1, Math.min(30, props.writerLease().toSeconds() / 4));
            throw new UploadSessionException(HttpStatus.CONFLICT, "upload-part-busy", "Part being written",
                    "another request is writing part '" + name + "'; ask for the offset and go on in " + seconds + " s")
                    .with("received", p.received()).header("Retry-After", Long.toString(seconds))
                    .header("Upload-Offset", Long.toString(p.received()));
        }
        try {
            long received = received(id, name); // may have moved while we were checking
            if (range.first() > received) {
                throw gap(id, p, range);
            }
            if (range.last() >= received) {
                received = copy(id, name, writer, range, received, body);
            }
            touch(id);
            return new Part(p.name(), p.fileName(), p.size(), received);
        } finally {
            jdbc.sql("UPDATE upload_session_part SET writer = NULL, writer_until = NULL WHERE session_id = ? AND name = ? AND writer = ?")
                    .params(id, name, writer).update();
        }
    }

    private UploadSessionException gap(UUID id, Part p, ContentRange range) {
        long received = received(id, p.name());
        return new UploadSessionException(HttpStatus.CONFLICT, "range-gap", "Range leaves a gap",
                "range " + range + " starts after the " + received + " bytes received of part '" + p.name()
                        + "': send from byte " + received)
                .with("received", received).header("Upload-Offset", Long.toString(received));
    }

    /** Streams the range into the part's file from {@code received} on, committing as it goes; returns the new count. */
    private long copy(UUID id, String name, UUID writer, ContentRange range, long received, InputStream body) throws IOException {
        long skip = received - range.first();
        if (skip > 0) {
            // Bytes already held: read past them, never write over what was acknowledged.
            body.skipNBytes(skip);
        }
        long end = range.last() + 1;
        long pos = received;
        long committed = received;
        long every = props.commitEvery().toBytes();
        byte[] buffer = new byte[256 * 1024];
        try (FileChannel ch = FileChannel.open(file(id, name), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            try {
                while (pos < end) {
                    int n = body.read(buffer, 0, (int) Math.min(buffer.length, end - pos));
                    if (n < 0) {
                        break;
                    }
                    ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                    while (b.hasRemaining()) {
                        pos += ch.write(b, pos);
                    }
                    if (pos - committed >= every) {
                        committed = commit(ch, id, name, writer, pos);
                    }
                }
            } catch (IOException e) {
                // The connection dropped: keep what arrived, so the client resumes after it.
                if (pos > committed) {
                    commit(ch, id, name, writer, pos);
                }
                log.info("upload {} part {}: connection lost after byte {} ({})", id, name, pos, e.toString());
                throw e;
            }
            if (pos > committed) {
                committed = commit(ch, id, name, writer, pos);
            }
        }
        if (pos < end) {
            throw new UploadSessionException(HttpStatus.BAD_REQUEST, "range-incomplete", "Body shorter than its range",
                    "the body ended before the range " + range + " did; the first " + committed + " bytes of part '"
                            + name + "' are kept: send from byte " + committed)
                    .with("received", committed).header("Upload-Offset", Long.toString(committed));
        }
        return committed;
    }

    /** fsync, then count: the count never runs ahead of the disk. Renews the writer's lease. */
    private long commit(FileChannel ch, UUID id, String name, UUID writer, long pos) throws IOException {
        ch.force(false);
        int n = jdbc.sql("""
                UPDATE upload_session_part SET received = GREATEST(received, ?),
                       writer_until = now() + make_interval(secs => ?)
                 WHERE session_id = ? AND name = ? AND writer = ?""")
                .params(pos, props.writerLease().toSeconds(), id, name, writer).update();
        if (n == 0) {
            throw new UploadSessionException(HttpStatus.CONFLICT, "upload-part-busy", "Part being written",
                    "this request stalled longer than vejsyn.jobs.resumable.writer-lease and lost part '" + name
                            + "' to another; ask for the offset and go on").with("received", received(id, name));
        }
        return pos;
    }

    private boolean claim(UUID id, String name, UUID writer) {
        return jdbc.sql("""
                UPDATE upload_session_part SET writer = ?, writer_until = now() + make_interval(secs => ?)
                 WHERE session_id = ? AND name = ? AND (writer IS NULL OR writer_until < now())""")
                .params(writer, props.writerLease().toSeconds(), id, name).update() == 1;
    }

    private long received(UUID id, String name) {
        return jdbc.sql("SELECT received FROM upload_session_part WHERE session_id = ? AND name = ?")
                .params(id, name).query(Long.class).single();
    }

    private void touch(UUID id) {
        jdbc.sql("UPDATE upload_session SET updated_at = now(), expires_at = ? WHERE id = ?")
                .params(Timestamp.from(clock.instant().plus(props.sessionExpiry())), id).update();
    }

    private static void requireOpen(Session s) {
        if (!s.state().equals("open")) {
            UploadSessionException e = new UploadSessionException(HttpStatus.CONFLICT, "upload-finished", "Upload finished",
                    "upload " + s.id() + " is " + s.state() + "; it takes no more bytes");
            if (s.jobId() != null) {
                e.with("job", "/api/v1/jobs/" + s.jobId());
            }
            throw e;
        }
    }

    private static String names(Session s) {
        return String.join(", ", s.parts().stream().map(Part::name).toList());
    }

    // ---- finish ----------------------------------------------------------------------------

    /**
     * Hands a complete session to the upload job path ({@link DriveUploads#submit}, as
     * {@code POST /api/v1/drives}). Finishing a finished session again answers its job (the client
     * may have lost the first answer).
     */
    UploadJob finish(UUID id, Caller caller) {
        Session s = require(id, caller);
        if (s.state().equals("finished")) {
            return jobRepository.find(s.jobId()).orElseThrow(() -> new UploadSessionException(HttpStatus.NOT_FOUND,
                    "job-not-found", "Unknown job", "the job of upload " + id + " is gone"));
        }
        List<String> missing = new ArrayList<>();
        for (Part p : s.parts()) {
            if (!p.complete()) {
                missing.add(p.name() + " (" + p.received() + " of " + p.size() + " bytes)");
            }
        }
        if (!missing.isEmpty()) {
            throw new UploadSessionException(HttpStatus.CONFLICT, "upload-incomplete", "Upload incomplete",
                    "parts not yet complete: " + String.join(", ", missing));
        }
        int claimed = jdbc.sql("UPDATE upload_session SET state = 'finishing', updated_at = now() WHERE id = ? AND state = 'open'")
                .param(id).update();
        if (claimed == 0) {
            throw new UploadSessionException(HttpStatus.CONFLICT, "upload-finishing", "Upload being finished",
                    "upload " + id + " is being finished by another request; ask again").header("Retry-After", "2");
        }
        UploadJob job;
        try {
            Map<String, SpooledPart> parts = new LinkedHashMap<>();
            for (Part p : s.parts()) {
                parts.put(p.name(), new SpooledPart(p.name(), p.fileName(), file(id, p.name())));
            }
            job = uploads.submit(new DriveUploads.Upload(parts.get("video"), parts.get("track"), parts.get("images"),
                    parts.get("camera"), s.municipality(), s.vehicle(), s.driveRef()));
        } catch (RuntimeException e) {
            // Refused (unusable footage) or failed: the bytes stay, the session can be finished again or deleted.
            jdbc.sql("UPDATE upload_session SET state = 'open', updated_at = now() WHERE id = ?").param(id).update();
            throw e;
        }
        jdbc.sql("UPDATE upload_session SET state = 'finished', job_id = ?, updated_at = now(), expires_at = ? WHERE id = ?")
                .params(job.id(), Timestamp.from(clock.instant().plus(props.sessionExpiry())), id).update();
        deleteFolder(id); // the job holds its own links to the bytes
        log.info("upload session {} finished: job {}", id, job.id());
        return job;
    }

    /** Abandons a session and deletes its bytes (a finished session's job is not touched). */
    void delete(UUID id, Caller caller) {
        require(id, caller);
        jdbc.sql("DELETE FROM upload_session WHERE id = ? AND state <> 'finishing'").param(id).update();
        deleteFolder(id);
    }

    // ---- expiry ----------------------------------------------------------------------------

    /**
     * Deletes expired sessions with their bytes, and spool folders of sessions that no longer exist
     * (left by a crash) once they are older than the expiry. Safe on every instance at once.
     *
     * @return sessions deleted
     */
    int expire() {
        List<UUID> gone = jdbc.sql("DELETE FROM upload_session WHERE expires_at < now() RETURNING id")
                .query(UUID.class).list();
        gone.forEach(this::deleteFolder);
        if (!gone.isEmpty()) {
            log.info("deleted {} expired upload sessions and their bytes", gone.size());
        }
        Path root = root();
        if (Files.isDirectory(root)) {
            Set<UUID> live = new HashSet<>(jdbc.sql("SELECT id FROM upload_session").query(UUID.class).list());
            Instant before = clock.instant().minus(props.sessionExpiry());
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path d : dirs.toList()) {
                    UUID id;
                    try {
                        id = UUID.fromString(d.getFileName().toString());
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    if (!live.contains(id) && Files.getLastModifiedTime(d).toInstant().isBefore(before)) {
                        deleteFolder(id);
                    }
                }
            } catch (IOException e) {
                log.warn("cannot list {}: {}", root, e.toString());
            }
        }
        return gone.size();
    }

    private void deleteFolder(UUID id) {
        Path dir = root().resolve(id.toString());
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("cannot delete upload session folder {}: {}", dir, e.toString());
        }
    }
}
