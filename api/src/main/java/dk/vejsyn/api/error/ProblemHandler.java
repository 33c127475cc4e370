package dk.vejsyn.api.error;

import jakarta.validation.ConstraintViolationException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error leaves the API as an RFC 7807 problem with a stable {@code type} URI. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        p.setType(ApiException.type(e.slug()));
        p.setTitle(e.title());
        return ResponseEntity.status(e.status()).body(p);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return api(ApiException.invalidParameter(
                "parameter '" + e.getName() + "' has an invalid value: " + e.getValue()));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().collect(Collectors.joining("; "));
        return api(ApiException.badRequest("validation-failed", "Validation failed", detail));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException e) {
        return api(ApiException.invalidParameter(e.getMessage()));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> r = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (r != null && r.getBody() instanceof ProblemDetail p) {
            p.setType(ApiException.type(slugFor(ex, statusCode)));
            if (ex instanceof HttpMessageNotReadableException) {
                p.setDetail("request body is not valid JSON of the expected shape");
            } else if (ex instanceof MaxUploadSizeExceededException m) {
                p.setTitle("Upload too large");
                p.setDetail("the upload is larger than the size limit (vejsyn.jobs.max-upload-size"
                        + (m.getMaxUploadSize() >= 0 ? ", " + m.getMaxUploadSize() + " bytes" : "") + ")");
            } else if (ex instanceof MethodArgumentNotValidException m) {
                p.setDetail(m.getBindingResult().getFieldErrors().stream()
                        .map(f -> f.getField() + " " + f.getDefaultMessage()).sorted()
                        .collect(Collectors.joining("; ")));
            }
        }
        return r;
    }

    private static String slugFor(Exception ex, HttpStatusCode status) {
        if (ex instanceof HttpMessageNotReadableException) {
            return "malformed-request";
        }
        if (ex instanceof MethodArgumentNotValidException || ex instanceof HandlerMethodValidationException) {
            return "validation-failed";
        }
        if (ex instanceof MaxUploadSizeExceededException) {
            return "upload-too-large";
        }
        if (ex instanceof NoResourceFoundException) {
            return "not-found";
        }
        HttpStatus s = HttpStatus.resolve(status.value());
        return s == null ? "error" : s.name().toLowerCase().replace('_', '-');
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected error", e);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
        p.setType(ApiException.type("internal-error"));
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(p);
    }
}
