package dk.vejsyn.api.fleet;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
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
 * {@code POST /api/v1/vehicles/{vehicle}/heartbeat?municipality=461} with the heartbeat JSON as
 * body and the vehicle's own token: 204 when stored (or a repeat); 400/404/413/422 with an RFC 7807
 * problem whose {@code type} ends in the reason. The same body as over MQTT.
 */
@RestController
class HeartbeatController {
    private final Heartbeats heartbeats;

    HeartbeatController(Heartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    @PostMapping(path = "/api/v1/vehicles/{vehicle}/heartbeat",
            consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<Void> post(@PathVariable String vehicle, @RequestParam(required = false) String municipality,
            HttpServletRequest request, @AuthenticationPrincipal Caller caller) throws IOException {
        // The security rules admit only this vehicle's own token (ownVehicle); its municipality is the token's.
        if (municipality == null || municipality.isBlank()) {
            municipality = caller.municipality();
        } else if (!caller.memberOf(municipality)) {
            throw ApiException.forbidden("this token reports for municipality " + caller.municipality() + " only");
        }
        long max = heartbeats.properties().maxHeartbeatSize().toBytes();
        byte[] body = request.getInputStream().readNBytes((int) max + 1);
        heartbeats.accept(municipality, vehicle, body, "http");
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(HeartbeatRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(HeartbeatRejectedException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(e.reason().status(), e.getMessage());
        p.setType(ApiException.type("heartbeat-" + e.reason().slug()));
        p.setTitle("Heartbeat rejected: " + e.reason().slug());
        p.setProperty("reason", e.reason().slug());
        return ResponseEntity.status(e.reason().status()).body(p);
    }
}
