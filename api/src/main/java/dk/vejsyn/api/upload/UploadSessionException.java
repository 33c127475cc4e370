package dk.vejsyn.api.upload;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A refused request of a resumable upload, with what the client needs to carry on: the bytes the
 * server has ({@code received}, also as header {@code Upload-Offset}) and, for a busy part, when to
 * try again. Answered as an RFC 7807 problem by {@link ResumableUploadController}.
 */
final class UploadSessionException extends RuntimeException {
    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    UploadSessionException(HttpStatus status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    UploadSessionException with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    UploadSessionException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    HttpStatus status() {
        return status;
    }

    String slug() {
        return slug;
    }

    String title() {
        return title;
    }

    Map<String, Object> properties() {
        return properties;
    }

    Map<String, String> headers() {
        return headers;
    }
}
