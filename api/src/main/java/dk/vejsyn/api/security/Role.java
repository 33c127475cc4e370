package dk.vejsyn.api.security;

import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. {@link #VIEWER} &lt; {@link #PLANNER} &lt; {@link #ADMIN} within one
 * municipality; {@link #VEHICLE} only sends its own frames and drives; {@link #OPERATOR} runs the
 * service (municipalities, metrics) and sees no municipality's data.
 */
public enum Role {
    VIEWER(1), PLANNER(2), ADMIN(3), VEHICLE(0), OPERATOR(0);

    /** Rank in the viewer → planner → admin line; 0 for roles outside it. */
    private final int rank;

    Role(int rank) {
        this.rank = rank;
    }

    /** True when this role may do what {@code needed} may (admin includes planner includes viewer). */
    public boolean includes(Role needed) {
        return this == needed || (rank > 0 && needed.rank > 0 && rank >= needed.rank);
    }

    /** The name in tokens, settings and JSON ({@code planner}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code s} (any case), if any. */
    public static Optional<Role> fromWire(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (Role r : values()) {
            if (r.wireName().equalsIgnoreCase(s.trim())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The role of this wire name, or an {@link IllegalArgumentException} listing the valid ones. */
    public static Role parse(String s) {
        return fromWire(s).orElseThrow(() -> new IllegalArgumentException(
                "unknown role '" + s + "' (viewer, planner, vehicle, admin or operator)"));
    }
}
