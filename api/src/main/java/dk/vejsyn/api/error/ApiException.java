package dk.vejsyn.api.error;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * A domain error that becomes an RFC 7807 problem: a stable {@code type} URI under
 * {@value #TYPE_BASE}, a status and a human-readable detail.
 */
public class ApiException extends RuntimeException {

    public static final String TYPE_BASE = "https://vejsyn.dk/problems/";

    private final HttpStatus status;
    private final String slug;
    private final String title;

    public ApiException(HttpStatus status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public static URI type(String slug) {
        return URI.create(TYPE_BASE + slug);
    }

    public static ApiException badRequest(String slug, String title, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, slug, title, detail);
    }

    public static ApiException invalidParameter(String detail) {
        return badRequest("invalid-parameter", "Invalid parameter", detail);
    }

    public static ApiException invalidBbox(String detail) {
        return badRequest("invalid-bbox", "Invalid bounding box", detail);
    }

    public static ApiException invalidPolygon(String detail) {
        return badRequest("invalid-polygon", "Invalid polygon", detail);
    }

    public static ApiException coordinatesOutOfRange(String detail) {
        return badRequest("coordinates-out-of-range", "Coordinates out of range", detail);
    }

    public static ApiException notFound(String slug, String title, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, slug, title, detail);
    }

    /** 401: no credentials, or credentials that are not (or no longer) valid; never says which token. */
    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", "Authentication required", detail);
    }

    /** 403: authenticated, but its role or vehicle does not allow this. */
    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Not allowed", detail);
    }

    /** 429: too many failed authentications from this address. */
    public static ApiException tooManyFailedAuthentications(long retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too-many-failed-authentications",
                "Too many failed authentications", "too many failed authentications from this address; try again in "
                        + retryAfterSeconds + " s");
    }

    public static ApiException municipalityNotFound(String code) {
        return notFound("municipality-not-found", "Unknown municipality", "no municipality with code " + code);
    }

    public static ApiException findingNotFound(long id) {
        return notFound("finding-not-found", "Unknown finding", "no finding " + id + " in this municipality");
    }

    public static ApiException conflict(String slug, String title, String detail) {
        return new ApiException(HttpStatus.CONFLICT, slug, title, detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }
}
