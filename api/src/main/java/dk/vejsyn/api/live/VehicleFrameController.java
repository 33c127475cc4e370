package dk.vejsyn.api.live;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/vehicles/{vehicle}/frames?municipality=461&frame-id=…&lat=…&lon=…&time=…[&heading=…&speed=…&accuracy=…]}
 * with the JPEG as the body ({@code Content-Type: image/jpeg}). The query parameters are the
 * {@link FrameFields} an MQTT message carries as user properties.
 *
 * <p>202 {@code accepted}: the frame is stored durably and will be processed once; 200
 * {@code duplicate}: the vehicle sent this frame id before; 400/404/413/422: rejected, with an RFC
 * 7807 problem whose {@code type} ends in the reason; 503 with {@code Retry-After}: the service is
 * at capacity, send the frame again later.
 */
@RestController
@ConditionalOnProperty(prefix = "vejsyn.live", name = "enabled", havingValue = "true", matchIfMissing = true)
class VehicleFrameController {
    private final LiveIngest ingest;
    private final LiveProperties props;

    VehicleFrameController(LiveIngest ingest) {
        this.ingest = ingest;
        this.props = ingest.properties();
    }

    @PostMapping(path = "/api/v1/vehicles/{vehicle}/frames",
            consumes = {MediaType.IMAGE_JPEG_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<Map<String, Object>> post(@PathVariable String vehicle,
            @RequestParam(required = false) String municipality, @RequestParam Map<String, String> fields,
            HttpServletRequest request, @AuthenticationPrincipal Caller caller) throws IOException, InterruptedException {
        // The security rules admit only this vehicle's own token; a well-formed municipality must
        // be the token's (a missing or malformed one is the frame's 400, as before).
        if (municipality != null && municipality.matches("[0-9]{3}") && !caller.memberOf(municipality)) {
            throw ApiException.forbidden("this token sends frames for municipality " + caller.municipality() + " only");
        }
        // When full, refuse before reading a body that could not be taken; a repeat still gets its answer.
        if (ingest.depth() >= props.queueCapacity()) {
            String frameId = fields.get(FrameFields.FRAME_ID);
            if (frameId == null || !ingest.knows(vehicle, frameId)) {
                throw ingest.full(Transport.HTTP);
            }
        }
        FrameMessage m;
        try {
            if (request.getContentLengthLong() > props.maxFrameSize().toBytes()) {
                throw new FrameRejectedException(RejectReason.FRAME_TOO_LARGE,
                        "frame of " + request.getContentLengthLong() + " bytes exceeds " + props.maxFrameSize());
            }
            byte[] body = readLimited(request.getInputStream(), props.maxFrameSize().toBytes());
            m = FrameFields.parse(municipality, vehicle, fields::get, body, Transport.HTTP,
                    props.maxClockSkew(), props.inboxRetention(), ingest.clock());
        } catch (FrameRejectedException e) {
            ingest.countReceived(Transport.HTTP);
            throw ingest.reject(Transport.HTTP, e);
        }
        LiveIngest.Accepted a = ingest.accept(m, false);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", a.outcome().name().toLowerCase(java.util.Locale.ROOT));
        body.put("vehicle", m.vehicle());
        body.put("frameId", m.frameId());
        if (a.driveRef() != null) {
            body.put("driveRef", a.driveRef());
        }
        return ResponseEntity.status(a.outcome() == LiveIngest.Outcome.ACCEPTED ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .body(body);
    }

    private static byte[] readLimited(InputStream in, long max) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (b.length > max) {
            throw new FrameRejectedException(RejectReason.FRAME_TOO_LARGE, "frame exceeds " + max + " bytes");
        }
        return b;
    }

    @ExceptionHandler(FrameRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(FrameRejectedException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(e.reason().status(), e.getMessage());
        p.setType(ApiException.type("live-frame-" + e.reason().slug()));
        p.setTitle("Frame rejected: " + e.reason().slug());
        p.setProperty("reason", e.reason().slug());
        return ResponseEntity.status(e.reason().status()).body(p);
    }

    @ExceptionHandler(LiveBusyException.class)
    ResponseEntity<ProblemDetail> busy(LiveBusyException e) {
        return unavailable(e.getMessage());
    }

    /** The inbox cannot be written: the frame is not accepted, and sending it again later is right. */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> storeUnavailable(RuntimeException e) {
        return unavailable("the frame store is unavailable");
    }

    private ResponseEntity<ProblemDetail> unavailable(String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        p.setType(ApiException.type("live-busy"));
        p.setTitle("Busy: send the frame again later");
        long seconds = Math.max(1, (props.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)).body(p);
    }
}
