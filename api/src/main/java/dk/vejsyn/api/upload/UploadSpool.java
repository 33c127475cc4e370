package dk.vejsyn.api.upload;

import dk.vejsyn.api.config.DetectionProperties;
import dk.vejsyn.api.config.JobProperties;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.FrameSources;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

/**
 * The spool: one folder per job under {@code vejsyn.jobs.spool-dir} holding the uploaded parts
 * until the job ends. Parts arrive as the servlet container's temporary files (multipart data
 * above a threshold of 0 bytes goes to disk as it streams in) and are moved here, never read into
 * memory. Also opens a job's footage as a frame source and checks it up front.
 */
@Component
class UploadSpool {
    private static final Logger log = LoggerFactory.getLogger(UploadSpool.class);

    private final JobProperties props;
    private final DetectionProperties detection;

    UploadSpool(JobProperties props, DetectionProperties detection) {
        this.props = props;
        this.detection = detection;
    }

    /** A new, empty folder for job {@code id}. */
    Path create(UUID id) {
        Path dir = props.spoolDir().resolve(id.toString()).toAbsolutePath().normalize();
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create spool folder " + dir, e);
        }
    }

    /**
     * Moves an uploaded part into {@code dir} under its (sanitised) original name, which keeps
     * the extension the track readers go by and names the frames of the upload.
     *
     * @return the file name inside {@code dir}
     */
    String store(Path dir, String part, MultipartFile file, String fallbackName) {
        String name = safeName(file.getOriginalFilename(), fallbackName);
        Path target = dir.resolve(name);
        try {
            file.transferTo(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool part '" + part + "' to " + target, e);
        }
        if (sizeOf(target) == 0) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-upload", "Unusable upload",
                    "part '" + part + "' (" + name + ") is empty");
        }
        return name;
    }

    /**
     * Checks the job's footage the way the job will read it: opens it (track parsed and checked
     * against the video, every image's EXIF read) and decodes the first kept frame.
     *
     * @return the frames the source expects to read, if it knows
     * @throws InputException naming the file and line or frame when the footage is unusable
     */
    OptionalLong check(UploadJob job) {
        camera(job.cameraJson());
        try (FrameSource source = open(job)) {
            Optional<GeoFrame> first = source.next();
            first.ifPresent(GeoFrame::close);
            if (first.isEmpty()) {
                throw new InputException(source.name() + ": no frame to process (" + source.stats() + ")");
            }
            return source.expectedFrames();
        }
    }

    FrameSource open(UploadJob job) {
        SourceOptions options = detection.settings().sourceOptions();
        return switch (job.kind()) {
            case VIDEO -> FrameSources.video(job.video(), job.track(), options);
            case IMAGES -> FrameSources.images(job.images(), options);
        };
    }

    /** The camera profile of a job: the uploaded JSON, or the default dashcam. */
    static CameraModel camera(String json) {
        if (json == null) {
            return CameraModel.refuseTruckDashcam();
        }
        try {
            return CameraModel.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new InputException("camera: invalid camera profile: " + e.getMessage(), e);
        }
    }

    /** An input message with spool paths replaced by the parts the user sent. */
    String describeInput(UploadJob job, String message) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("video", job.videoFile());
        parts.put("track", job.trackFile());
        parts.put("images", job.imagesFile());
        String m = message == null ? "unusable input" : message;
        for (Map.Entry<String, String> p : parts.entrySet()) {
            if (p.getValue() != null) {
                m = m.replace(job.spoolDir().resolve(p.getValue()).toString(), "part '" + p.getKey() + "' (" + p.getValue() + ")");
            }
        }
        if (m.startsWith("camera: ")) {
            m = "part 'camera': " + m.substring("camera: ".length());
        }
        return m.replace(job.spoolDir().toString() + java.io.File.separator, "");
    }

    /** Removes a job's folder and everything in it; logs rather than fails. */
    void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("cannot delete spooled {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warn("cannot delete spool folder {}: {}", dir, e.getMessage());
        }
    }

    static String safeName(String original, String fallback) {
        if (original == null) {
            return fallback;
        }
        String base = original.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return base.isEmpty() || base.startsWith(".") ? fallback : base;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
