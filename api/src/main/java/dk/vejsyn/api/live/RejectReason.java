package dk.vejsyn.api.live;

import org.springframework.http.HttpStatus;

/**
 * Why a live frame was refused. The {@link #slug()} is the {@code reason} user property on the
 * dead-letter topic, the metric tag, and the last part of the HTTP problem {@code type}.
 */
public enum RejectReason {
    /** The MQTT topic is not {@code {prefix}/{municipality}/{vehicle}/frames} with valid parts. */
    MALFORMED_TOPIC("malformed-topic", HttpStatus.BAD_REQUEST),
    /** Vehicle or frame id has characters outside {@code [A-Za-z0-9._:-]} or is too long. */
    INVALID_ID("invalid-id", HttpStatus.BAD_REQUEST),
    MISSING_FRAME_ID("missing-frame-id", HttpStatus.BAD_REQUEST),
    /** lat, lon or time missing. */
    MISSING_GEOTAG("missing-geotag", HttpStatus.BAD_REQUEST),
    /** A geotag field is not a number / an ISO-8601 instant. */
    MALFORMED_GEOTAG("malformed-geotag", HttpStatus.BAD_REQUEST),
    /** Out of range, NaN, (0, 0), negative speed or accuracy, a time before 2000 or in the future. */
    IMPOSSIBLE_GEOTAG("impossible-geotag", HttpStatus.UNPROCESSABLE_ENTITY),
    /** Captured longer ago than the inbox keeps processed frames (a re-send could not be told apart). */
    TOO_OLD("too-old", HttpStatus.UNPROCESSABLE_ENTITY),
    EMPTY_PAYLOAD("empty-payload", HttpStatus.BAD_REQUEST),
    FRAME_TOO_LARGE("frame-too-large", HttpStatus.PAYLOAD_TOO_LARGE),
    /** Not a JPEG, truncated, or the pixels cannot be decoded. */
    CORRUPT_JPEG("corrupt-jpeg", HttpStatus.UNPROCESSABLE_ENTITY),
    UNKNOWN_MUNICIPALITY("unknown-municipality", HttpStatus.NOT_FOUND),
    /** Accepted, but detection failed on every attempt. */
    PROCESSING_FAILED("processing-failed", HttpStatus.INTERNAL_SERVER_ERROR);

    private final String slug;
    private final HttpStatus status;

    RejectReason(String slug, HttpStatus status) {
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
