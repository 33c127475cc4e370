package dk.vejsyn.api.upload;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.security.Caller;
import dk.vejsyn.api.security.Role;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /api/v1/drives} (an uploaded drive becomes a job) and {@code GET /api/v1/jobs/{id}}
 * (how far it got).
 */
@RestController
class UploadController {

    private final DriveUploads uploads;
    private final UploadJobRepository jobs;
    private final StorageProvider jobRunr;

    UploadController(DriveUploads uploads, UploadJobRepository jobs, StorageProvider jobRunr) {
        this.uploads = uploads;
        this.jobs = jobs;
        this.jobRunr = jobRunr;
    }

    /**
     * Multipart: {@code video} + {@code track} (GPX, NMEA or CSV), or {@code images} (a zip of
     * geotagged JPEGs); optional {@code camera} (profile JSON); fields {@code municipality}
     * (default: the caller's), {@code vehicle}, {@code driveRef} (uploading the same drive ref again adds
     * nothing twice). 202 with the job; 400/422 naming the part and the line or frame; 413 over
     * {@code vejsyn.jobs.max-upload-size}.
     */
    @PostMapping(path = "/api/v1/drives", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JobView> upload(
            @RequestParam(required = false) MultipartFile video,
            @RequestParam(required = false) MultipartFile track,
            @RequestParam(required = false) MultipartFile images,
            @RequestParam(required = false) MultipartFile camera,
            @RequestParam(required = false) String municipality,
            @RequestParam(required = false) String vehicle,
            @RequestParam(required = false) String driveRef,
            @AuthenticationPrincipal Caller caller) {
        // A caller uploads for its own municipality (the default) and, with a vehicle token, for its own vehicle.
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
        UploadJob job = uploads.submit(new DriveUploads.Upload(video, track, images, camera, municipality, vehicle, driveRef));
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id()))
                .body(JobView.of(job, "queued", 0, Instant.now()));
    }

    @GetMapping("/api/v1/jobs/{id}")
    JobView job(@PathVariable UUID id, @AuthenticationPrincipal Caller caller) {
        // Another municipality's job is as unknown as a job that never was.
        UploadJob j = jobs.find(id).filter(job -> caller.memberOf(job.municipalityCode()))
                .orElseThrow(() -> ApiException.notFound("job-not-found", "Unknown job", "no job " + id));
        return JobView.of(j, state(j), jobs.findingsOfDrive(j.municipalityId(), j.driveRef()), Instant.now());
    }

    /**
     * Our state, except where JobRunr gave up: a job whose retries are used up stays FAILED in
     * JobRunr while the last attempt left ours at "queued".
     */
    private String state(UploadJob j) {
        if (!j.state().terminal()) {
            try {
                if (jobRunr.getJobById(j.id()).getState() == StateName.FAILED) {
                    return "failed";
                }
            } catch (RuntimeException e) {
                // Unknown to JobRunr (deleted by hand): report what we know.
            }
        }
        return j.state().dbName();
    }
}
