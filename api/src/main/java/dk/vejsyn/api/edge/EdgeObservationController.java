package dk.vejsyn.api.edge;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/vehicles/{vehicle}/observations?municipality=461&observation-id=…&…} with the
 * observation's evidence crop (JPEG, may be empty) as the body: an observation the vehicle made on
 * board, fields as in {@link dk.vejsyn.inference.geo.ObservationFields}. 202 {@code accepted}, 200
 * {@code duplicate} (this observation id was stored before), 400 invalid, 503 with
 * {@code Retry-After} when the store is unavailable. Only the vehicle's own token, in its municipality.
 */
@RestController
@ConditionalOnProperty(prefix = "vejsyn.live", name = "enabled", havingValue = "true", matchIfMissing = true)
class EdgeObservationController {
    private final EdgeObservations observations;

    EdgeObservationController(EdgeObservations observations) {
        this.observations = observations;
    }

    @PostMapping(path = "/api/v1/vehicles/{vehicle}/observations",
            consumes = {MediaType.IMAGE_JPEG_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<Map<String, Object>> post(@PathVariable String vehicle,
            @RequestParam(required = false) String municipality, @RequestParam Map<String, String> fields,
            HttpServletRequest request, @AuthenticationPrincipal Caller caller) throws IOException {
        if (municipality != null && municipality.matches("[0-9]{3}") && !caller.memberOf(municipality)) {
            throw ApiException.forbidden("this token sends observations for municipality " + caller.municipality() + " only");
        }
        byte[] crop = request.getInputStream().readNBytes(EdgeObservations.MAX_CROP_BYTES + 1);
        EdgeObservations.Outcome o = observations.accept(municipality, vehicle, fields::get, crop);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", o.name().toLowerCase(java.util.Locale.ROOT));
        body.put("vehicle", vehicle);
        body.put("observationId", fields.get("observation-id"));
        return ResponseEntity.status(o == EdgeObservations.Outcome.ACCEPTED ? HttpStatus.ACCEPTED : HttpStatus.OK).body(body);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        p.setType(ApiException.type("edge-observation-invalid"));
        p.setTitle("Observation rejected");
        return ResponseEntity.badRequest().body(p);
    }

    /** Not stored: sending it again later is right. */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> storeUnavailable(RuntimeException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "the findings store is unavailable");
        p.setType(ApiException.type("live-busy"));
        p.setTitle("Busy: send the observation again later");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "2").body(p);
    }
}
