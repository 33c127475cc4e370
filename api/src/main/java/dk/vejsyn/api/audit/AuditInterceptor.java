package dk.vejsyn.api.audit;

import dk.vejsyn.api.security.Caller;
import dk.vejsyn.api.security.CallerAuthentication;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Writes an audit event for every request that reached a handler and changes something (any
 * method but GET, HEAD and OPTIONS) or shows an evidence image, with the authenticated caller as
 * the actor, the route as the action, the path as the target and the status answered. Requests
 * security refused never reach a handler and are not events here (they are 401/403/404 in the
 * access log). Central rather than per endpoint, so a new write endpoint is audited without
 * anyone remembering to.
 */
public class AuditInterceptor implements HandlerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(AuditInterceptor.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final AuditLog audit;

    public AuditInterceptor(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        String route = (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        boolean evidence = route != null && route.endsWith("/evidence");
        if (route == null || (READS.contains(request.getMethod()) && !evidence)) {
            return;
        }
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (!(a instanceof CallerAuthentication ca)) {
            return;
        }
        Caller caller = ca.getPrincipal();
        @SuppressWarnings("unchecked")
        Map<String, String> vars = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String municipality = vars != null && vars.get("code") != null ? vars.get("code") : caller.municipality();
        try {
            audit.record(caller.name(), caller.role().wireName(), municipality, request.getMethod() + " " + route,
                    request.getRequestURI(), response.getStatus(), request.getRemoteAddr());
        } catch (RuntimeException e) {
            // The answer is sent already; losing the event is logged loudly rather than failing silently.
            log.error("audit event not written: {} {} by {}: {}", request.getMethod(), request.getRequestURI(),
                    caller.name(), e.toString());
        }
    }
}
