package dk.vejsyn.api.security;

import java.util.Objects;

/**
 * Who is calling, as authenticated: an API token or a JWT from the municipality's identity
 * provider. It is the actor of every change and of every audit event; nothing the request says
 * about who it comes from is believed.
 *
 * @param name the token's name, or the JWT's user claim; what audit trails and finding events show
 * @param role what it may do
 * @param municipality the three-digit code of its municipality; null for {@link Role#OPERATOR}
 * @param vehicle the vehicle id a {@link Role#VEHICLE} caller sends for; null for other roles
 * @param via how it authenticated
 */
public record Caller(String name, Role role, String municipality, String vehicle, Via via) {

    /** How a caller authenticated. */
    public enum Via { TOKEN, JWT }

    public Caller {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(via, "via");
        if ((role == Role.OPERATOR) != (municipality == null)) {
            throw new IllegalArgumentException(role == Role.OPERATOR
                    ? "an operator belongs to no municipality" : "a " + role.wireName() + " belongs to a municipality");
        }
        if ((role == Role.VEHICLE) != (vehicle != null)) {
            throw new IllegalArgumentException("a vehicle id goes with the vehicle role, and only with it");
        }
    }

    /** True when it belongs to municipality {@code code} (operators belong to none). */
    public boolean memberOf(String code) {
        return municipality != null && municipality.equals(code);
    }

    /** True when it belongs to {@code code} and its role includes {@code needed}. */
    public boolean may(Role needed, String code) {
        return memberOf(code) && role.includes(needed);
    }
}
