package dk.vejsyn.api.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.config.JobProperties;
import dk.vejsyn.api.error.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses an upload whose announced {@code Content-Length} is over
 * {@code vejsyn.jobs.max-upload-size} before a byte of its body is read. Answering early is what
 * lets a client that sent {@code Expect: 100-continue} (curl does for large bodies) skip sending
 * gigabytes, and lets any client read the 413 instead of a connection reset. Uploads without a
 * length (chunked) are limited by the multipart limits while they stream in. Registered by
 * {@link UploadConfig} (not a component, so that web test slices without uploads do without it).
 */
class UploadSizeFilter extends OncePerRequestFilter {
    private final long maxBytes;
    private final ObjectMapper json;

    UploadSizeFilter(JobProperties props, ObjectMapper json) {
        this.maxBytes = props.maxUploadSize().toBytes();
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/api/v1/drives".equals(request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length <= maxBytes) {
            chain.doFilter(request, response);
            return;
        }
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE,
                "the upload (" + length + " bytes) is larger than the size limit (vejsyn.jobs.max-upload-size, "
                        + maxBytes + " bytes)");
        p.setType(ApiException.type("upload-too-large"));
        p.setTitle("Upload too large");
        p.setInstance(java.net.URI.create(request.getRequestURI()));
        response.setStatus(HttpStatus.PAYLOAD_TOO_LARGE.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // The body is not read: the connection cannot be reused.
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), p);
    }
}
