package dk.vejsyn.api.upload;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Resumable uploads over plain HTTP ranges ({@link ResumableUploads}):
 * <ul>
 * <li>{@code POST /api/v1/uploads} {@code {"municipality":"461","vehicle":"truck-7","driveRef":"…",
 *     "parts":[{"name":"video","fileName":"drive.mp4","size":4199135},{"name":"track",…}]}} → 201, the session;</li>
 * <li>{@code PUT /api/v1/uploads/{id}/parts/{name}} with {@code Content-Range: bytes FIRST-LAST/SIZE} and
 *     the bytes → 200, the part with {@code received} (header {@code Upload-Offset});</li>
 * <li>{@code GET /api/v1/uploads/{id}} (every part's {@code received}), {@code HEAD …/parts/{name}}
 *     ({@code Upload-Offset}, {@code Upload-Length});</li>
 * <li>{@code POST /api/v1/uploads/{id}/finish} → 202 and the job, as {@code POST /api/v1/drives};</li>
 * <li>{@code DELETE /api/v1/uploads/{id}} → 204, the bytes deleted.</li>
 * </ul>
 */
@RestController
class ResumableUploadController {
    private final ResumableUploads uploads;

    ResumableUploadController(ResumableUploads uploads) {
        this.uploads = uploads;
    }

    @PostMapping(path = "/api/v1/uploads", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(@RequestBody ResumableUploads.SessionRequest request,
            @AuthenticationPrincipal Caller caller) {
        ResumableUploads.Session s = uploads.create(request, caller);
        return ResponseEntity.created(URI.create("/api/v1/uploads/" + s.id())).body(view(s));
    }

    @GetMapping("/api/v1/uploads/{id}")
    Map<String, Object> get(@PathVariable UUID id, @AuthenticationPrincipal Caller caller) {
        return view(uploads.require(id, caller));
    }

    @RequestMapping(path = "/api/v1/uploads/{id}/parts/{name}", method = RequestMethod.HEAD)
    ResponseEntity<Void> offset(@PathVariable UUID id, @PathVariable String name, @AuthenticationPrincipal Caller caller) {
        ResumableUploads.Part p = part(uploads.require(id, caller), name);
        return ResponseEntity.ok().header("Upload-Offset", Long.toString(p.received()))
                .header("Upload-Length", Long.toString(p.size())).header("Cache-Control", "no-store").build();
    }

    @PutMapping("/api/v1/uploads/{id}/parts/{name}")
    ResponseEntity<Map<String, Object>> put(@PathVariable UUID id, @PathVariable String name, HttpServletRequest request,
            @AuthenticationPrincipal Caller caller) throws IOException {
        ContentRange range = ContentRange.parse(request.getHeader("Content-Range"));
        ResumableUploads.Part p;
        try {
            p = uploads.write(id, name, range, request.getContentLengthLong(), request.getInputStream(), caller);
        } catch (IOException e) {
            // The client went away mid-range; what arrived is kept (logged by ResumableUploads). Nobody reads this answer.
            throw new UploadSessionException(HttpStatus.BAD_REQUEST, "range-incomplete", "Body shorter than its range",
                    "the connection ended before the range did; ask for the offset and go on");
        }
        return ResponseEntity.ok().header("Upload-Offset", Long.toString(p.received())).body(partView(p));
    }

    @PostMapping("/api/v1/uploads/{id}/finish")
    ResponseEntity<JobView> finish(@PathVariable UUID id, @AuthenticationPrincipal Caller caller) {
        UploadJob job = uploads.finish(id, caller);
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id()))
                .body(JobView.of(job, job.state().dbName(), 0, Instant.now()));
    }

    @DeleteMapping("/api/v1/uploads/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id, @AuthenticationPrincipal Caller caller) {
        uploads.delete(id, caller);
        return ResponseEntity.noContent().build();
    }

    private static ResumableUploads.Part part(ResumableUploads.Session s, String name) {
        return s.part(name).orElseThrow(() -> new UploadSessionException(HttpStatus.NOT_FOUND, "upload-part-not-found",
                "Unknown upload part", "upload " + s.id() + " has no part '" + name + "'"));
    }

    private static Map<String, Object> view(ResumableUploads.Session s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", s.id());
        v.put("state", s.state());
        v.put("municipality", s.municipality());
        v.put("vehicle", s.vehicle());
        v.put("driveRef", s.driveRef());
        v.put("expiresAt", s.expiresAt().toString());
        List<Map<String, Object>> parts = s.parts().stream().map(ResumableUploadController::partView).toList();
        v.put("parts", parts);
        v.put("job", s.jobId() == null ? null : "/api/v1/jobs/" + s.jobId());
        return v;
    }

    private static Map<String, Object> partView(ResumableUploads.Part p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", p.name());
        v.put("fileName", p.fileName());
        v.put("size", p.size());
        v.put("received", p.received());
        v.put("complete", p.complete());
        return v;
    }

    @ExceptionHandler(UploadSessionException.class)
    ResponseEntity<ProblemDetail> refused(UploadSessionException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        p.setType(ApiException.type(e.slug()));
        p.setTitle(e.title());
        e.properties().forEach(p::setProperty);
        ResponseEntity.BodyBuilder r = ResponseEntity.status(e.status());
        e.headers().forEach(r::header);
        return r.body(p);
    }
}
