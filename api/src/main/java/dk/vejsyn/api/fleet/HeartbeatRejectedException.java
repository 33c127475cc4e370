package dk.vejsyn.api.fleet;

import org.springframework.http.HttpStatus;

/**
 * A heartbeat that cannot be used: over HTTP a 4xx problem whose {@code type} ends in the reason,
 * over MQTT a dead-lettered message with the reason as user property.
 */
public final class HeartbeatRejectedException extends RuntimeException {

    /** Why, with its HTTP status. */
    public enum Reason {
        MALFORMED_JSON("malformed-json", HttpStatus.BAD_REQUEST),
        INVALID_FIELD("invalid-field", HttpStatus.BAD_REQUEST),
        INVALID_ID("invalid-id", HttpStatus.BAD_REQUEST),
        MALFORMED_TOPIC("malformed-topic", HttpStatus.BAD_REQUEST),
        IMPOSSIBLE_POSITION("impossible-position", HttpStatus.UNPROCESSABLE_ENTITY),
        IMPOSSIBLE_TIME("impossible-time", HttpStatus.UNPROCESSABLE_ENTITY),
        UNKNOWN_MUNICIPALITY("unknown-municipality", HttpStatus.NOT_FOUND),
        TOO_LARGE("heartbeat-too-large", HttpStatus.PAYLOAD_TOO_LARGE),
        PROCESSING_FAILED("processing-failed", HttpStatus.INTERNAL_SERVER_ERROR);

        private final String slug;
        private final HttpStatus status;

        Reason(String slug, HttpStatus status) {
            this.slug = slug;
            this.status = status;
        }

        public String slug() {
            return slug;
        }

        public HttpStatus status() {
            return status;
        }
    }

    private final Reason reason;

    public HeartbeatRejectedException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
