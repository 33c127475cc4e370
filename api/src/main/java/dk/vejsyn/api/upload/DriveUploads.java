package dk.vejsyn.api.upload;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.UUID;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * Accepts an uploaded drive: spools its parts, checks them, records the job and hands it to
 * JobRunr. Nothing of a refused upload stays behind (no spool files, no job, no drive).
 */
@Service
public class DriveUploads {

    /** The parts and fields of {@code POST /api/v1/drives}; files may be {@code null}. */
    record Upload(MultipartFile video, MultipartFile track, MultipartFile images, MultipartFile camera,
            String municipality, String vehicle, String driveRef) {}

    private final Municipalities municipalities;
    private final UploadSpool spool;
    private final UploadJobRepository jobs;
    private final JobRequestScheduler scheduler;

    DriveUploads(Municipalities municipalities, UploadSpool spool, UploadJobRepository jobs, JobRequestScheduler scheduler) {
        this.municipalities = municipalities;
        this.spool = spool;
        this.jobs = jobs;
        this.scheduler = scheduler;
    }

    /** Spools, checks and enqueues an upload; returns the queued job. */
    UploadJob submit(Upload u) {
        Municipality m = municipalities.require(u.municipality());
        boolean video = present(u.video()) || present(u.track());
        if (video == present(u.images())) {
            throw missingPart("send either 'video' and 'track' (GPX, NMEA or CSV), or 'images' (a zip of geotagged JPEGs)");
        }
        if (video && !(present(u.video()) && present(u.track()))) {
            throw missingPart("part '" + (present(u.video()) ? "track" : "video") + "' is missing: a video needs its GPS track");
        }
        if (u.driveRef() != null && u.driveRef().isBlank()) {
            throw ApiException.invalidParameter("driveRef must not be blank");
        }
        UUID id = UUID.randomUUID();
        Path dir = spool.create(id);
        try {
            String cameraJson = present(u.camera()) ? text(u.camera()) : null;
            UploadJob job = new UploadJob(id, m.id(), m.code(),
                    u.driveRef() != null ? u.driveRef().strip() : "upload:" + id,
                    u.vehicle() == null || u.vehicle().isBlank() ? "unknown" : u.vehicle().strip(),
                    video ? UploadJob.Kind.VIDEO : UploadJob.Kind.IMAGES, dir,
                    video ? spool.store(dir, "video", u.video(), "video.mp4") : null,
                    video ? spool.store(dir, "track", u.track(), "track.gpx") : null,
                    video ? null : spool.store(dir, "images", u.images(), "images.zip"),
                    cameraJson, UploadJob.State.QUEUED, null, -1, 0, 0, 0, 0, 0, 0, null, null, null, null, -1, null, 0, null);
            OptionalLong expected;
            try {
                expected = spool.check(job);
            } catch (InputException e) {
                throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-upload", "Unusable upload",
                        spool.describeInput(job, e.getMessage()));
            }
            UploadJob queued = withTotal(job, expected.isPresent() ? expected.getAsLong() : null);
            jobs.insert(queued);
            try {
                // The upload id is the JobRunr job id: one place to look a job up in either.
                scheduler.enqueue(id, new ProcessUpload(id));
            } catch (RuntimeException e) {
                jobs.delete(id);
                throw e;
            }
            return queued;
        } catch (RuntimeException e) {
            spool.delete(dir);
            throw e;
        }
    }

    private static UploadJob withTotal(UploadJob j, Long total) {
        return new UploadJob(j.id(), j.municipalityId(), j.municipalityCode(), j.driveRef(), j.vehicle(), j.kind(),
                j.spoolDir(), j.videoFile(), j.trackFile(), j.imagesFile(), j.cameraJson(), j.state(), total,
                j.committedFrame(), j.framesProcessed(), 0, 0, 0, 0, 0, null, null, null, null, -1, null, 0, null);
    }

    private static boolean present(MultipartFile f) {
        return f != null && !f.isEmpty();
    }

    private static String text(MultipartFile f) {
        if (f.getSize() > 64 * 1024) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-upload", "Unusable upload",
                    "part 'camera' is larger than 64 KB: not a camera profile");
        }
        try {
            return new String(f.getBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException missingPart(String detail) {
        return ApiException.badRequest("missing-part", "Missing upload part", detail);
    }
}
