package dk.vejsyn.api.security;

import dk.vejsyn.api.error.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.OptionalLong;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.RequestPath;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Security's refusals as the API's other errors: RFC 7807 problems written by the same exception
 * handler ({@code ProblemHandler}), so a 404 for another municipality's data is byte for byte the
 * 404 of a municipality that does not exist. Failed authentications are counted here for the
 * {@link FailedAuthLimiter}; problem details never repeat what the caller sent.
 */
public class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {
    private final HandlerExceptionResolver resolver;
    private final FailedAuthLimiter limiter;
    private final boolean basic;
    private final HandlerMapping handlers;

    /**
     * @param basic whether this filter chain also takes HTTP Basic (OGC API and tiles, for QGIS and
     *     GDAL), so a 401 offers it
     * @param handlers the API's handlers: a path denied only because no rule names it is a 404 when
     *     nothing handles it either
     */
    public ProblemResponses(HandlerExceptionResolver resolver, FailedAuthLimiter limiter, boolean basic,
            HandlerMapping handlers) {
        this.resolver = resolver;
        this.limiter = limiter;
        this.basic = basic;
        this.handlers = handlers;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) {
        boolean attempted = !(e instanceof InsufficientAuthenticationException);
        if (attempted) {
            limiter.failed(request.getRemoteAddr());
        }
        response.addHeader(HttpHeaders.WWW_AUTHENTICATE,
                attempted ? "Bearer realm=\"vejsyn\", error=\"invalid_token\"" : "Bearer realm=\"vejsyn\"");
        if (basic) {
            response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"vejsyn\", charset=\"UTF-8\"");
        }
        write(request, response, ApiException.unauthorized(attempted
                ? "the token is invalid, expired or revoked"
                : "send an API token or an access token: Authorization: Bearer <token>"
                        + (basic ? " (or HTTP Basic with the token as password)" : "")));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) {
        if (e instanceof AuthorizationDeniedException d && d.getAuthorizationResult() instanceof TenantAccess.Hidden h) {
            write(request, response, ApiException.municipalityNotFound(h.code()));
        } else if (e instanceof AuthorizationDeniedException d && d.getAuthorizationResult() instanceof TenantAccess.Refused r) {
            write(request, response, ApiException.forbidden(r.why()));
        } else if (!handled(request)) {
            // Closed by default, but a path nothing serves is still the plain 404 it always was.
            resolver.resolveException(request, response, null,
                    new NoResourceFoundException(HttpMethod.valueOf(request.getMethod()), request.getRequestURI()));
        } else {
            write(request, response, ApiException.forbidden("this role may not do this"));
        }
    }

    /** True when a controller serves this request (this runs before the dispatcher parsed its path). */
    private boolean handled(HttpServletRequest request) {
        boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
        RequestPath previous = parsed ? ServletRequestPathUtils.getParsedRequestPath(request) : null;
        ServletRequestPathUtils.parseAndCache(request);
        try {
            return handlers.getHandler(request) != null;
        } catch (Exception e) {
            return true; // e.g. mapped for another method: not "nothing here"
        } finally {
            if (previous == null) {
                ServletRequestPathUtils.clearParsedRequestPath(request);
            } else {
                ServletRequestPathUtils.setParsedRequestPath(previous, request);
            }
        }
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ApiException problem) {
        resolver.resolveException(request, response, null, problem);
    }

    /** Refuses requests with credentials from an address over its failed-authentication limit, before they are checked. */
    public OncePerRequestFilter limitFilter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
                    OptionalLong wait = limiter.retryAfter(request.getRemoteAddr());
                    if (wait.isPresent()) {
                        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait.getAsLong()));
                        write(request, response, ApiException.tooManyFailedAuthentications(wait.getAsLong()));
                        return;
                    }
                }
                chain.doFilter(request, response);
            }
        };
    }
}
