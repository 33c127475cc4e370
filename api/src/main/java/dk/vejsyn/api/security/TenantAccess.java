package dk.vejsyn.api.security;

import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * The access rules of the HTTP API, each an {@link AuthorizationManager} for a path pattern. A
 * municipality's data is visible to its own members only: to anyone else (another municipality,
 * an operator) it does not exist ({@link Hidden} → the 404 of an unknown municipality). A member
 * whose role falls short is told so ({@link Refused} → 403).
 */
public final class TenantAccess {
    private TenantAccess() {}

    /** Denied as if the municipality did not exist. */
    public static final class Hidden extends AuthorizationDecision {
        private final String code;

        Hidden(String code) {
            super(false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** Denied, with the reason the caller may know. */
    public static final class Refused extends AuthorizationDecision {
        private final String why;

        Refused(String why) {
            super(false);
            this.why = why;
        }

        public String why() {
            return why;
        }
    }

    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

    /** Members of the path's {@code {code}} municipality whose role includes {@code needed}. */
    public static AuthorizationManager<RequestAuthorizationContext> member(Role needed) {
        return rule((caller, ctx) -> {
            String code = ctx.getVariables().get("code");
            if (!caller.memberOf(code)) {
                return new Hidden(code);
            }
            return caller.role().includes(needed) ? GRANTED
                    : new Refused("the " + caller.role().wireName() + " role may not do this; it needs " + needed.wireName());
        });
    }

    /** Members of the path's municipality (any role that reads: viewer and up), and operators. */
    public static AuthorizationManager<RequestAuthorizationContext> memberOrOperator() {
        return rule((caller, ctx) -> {
            String code = ctx.getVariables().get("code");
            return caller.role() == Role.OPERATOR || caller.may(Role.VIEWER, code) ? GRANTED
                    : caller.memberOf(code) ? new Refused("the " + caller.role().wireName() + " role may not do this")
                    : new Hidden(code);
        });
    }

    /** Callers with one of these roles (the handler checks which municipality). */
    public static AuthorizationManager<RequestAuthorizationContext> roles(Role... allowed) {
        return rule((caller, ctx) -> {
            for (Role r : allowed) {
                if (caller.role().includes(r)) {
                    return GRANTED;
                }
            }
            return new Refused("the " + caller.role().wireName() + " role may not do this");
        });
    }

    /** Vehicle callers sending for the path's {@code {vehicle}}, which must be their own. */
    public static AuthorizationManager<RequestAuthorizationContext> ownVehicle() {
        return rule((caller, ctx) -> {
            if (caller.role() != Role.VEHICLE) {
                return new Refused("only a vehicle token may send live frames");
            }
            return caller.vehicle().equals(ctx.getVariables().get("vehicle")) ? GRANTED
                    : new Refused("this token sends for vehicle " + caller.vehicle() + " only");
        });
    }

    private interface Rule {
        AuthorizationDecision decide(Caller caller, RequestAuthorizationContext ctx);
    }

    private static AuthorizationManager<RequestAuthorizationContext> rule(Rule rule) {
        return new AuthorizationManager<>() {
            @Override
            @SuppressWarnings("deprecation") // check() is what Spring Security 6.5 calls through authorize()
            public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext ctx) {
                // Unauthenticated (anonymous): plain denial, which becomes 401 (not 404: nothing is revealed either way).
                return authentication.get() instanceof CallerAuthentication c ? rule.decide(c.getPrincipal(), ctx)
                        : new AuthorizationDecision(false);
            }
        };
    }
}
