package dk.vejsyn.api.finding;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dk.vejsyn.api.error.ApiException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a finding is in the planners' workflow.
 *
 * <pre>
 *   open ──► confirmed ──► scheduled ──► repaired
 *    │  ▲        │  ▲          │
 *    │  └────────┼──┴──────────┘ (scheduled → confirmed: unscheduled)
 *    ▼           ▼
 *   dismissed ◄──┘            possibly_repaired (set by re-drives) ──► repaired | confirmed | dismissed | open
 * </pre>
 *
 * Planners may move {@code open → confirmed | dismissed}, {@code confirmed → scheduled | dismissed},
 * {@code scheduled → repaired | confirmed}, {@code possibly_repaired → repaired | confirmed | open | dismissed},
 * {@code dismissed → open} (undo). {@code repaired} is final: a pothole seen there later is a new finding.
 * Only the store moves a finding to {@code possibly_repaired} (after enough not-seen passes) and
 * back to {@code open} (seen again).
 */
public enum FindingStatus {
    OPEN, CONFIRMED, SCHEDULED, REPAIRED, DISMISSED, POSSIBLY_REPAIRED;

    /** Statuses a new observation may merge into. */
    public static final Set<FindingStatus> MERGEABLE = EnumSet.of(OPEN, CONFIRMED, SCHEDULED, POSSIBLY_REPAIRED);

    /** Statuses a re-drive's "not seen" counts against. */
    public static final Set<FindingStatus> WATCHED = EnumSet.of(OPEN, CONFIRMED, SCHEDULED);

    public Set<FindingStatus> plannerTargets() {
        return switch (this) {
            case OPEN -> EnumSet.of(CONFIRMED, DISMISSED);
            case CONFIRMED -> EnumSet.of(SCHEDULED, DISMISSED);
            case SCHEDULED -> EnumSet.of(REPAIRED, CONFIRMED);
            case POSSIBLY_REPAIRED -> EnumSet.of(REPAIRED, CONFIRMED, OPEN, DISMISSED);
            case DISMISSED -> EnumSet.of(OPEN);
            case REPAIRED -> EnumSet.noneOf(FindingStatus.class);
        };
    }

    public boolean canMoveTo(FindingStatus to) {
        return plannerTargets().contains(to);
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static FindingStatus fromWire(String s) {
        if (s != null) {
            for (FindingStatus v : values()) {
                if (v.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
        }
        throw ApiException.invalidParameter("unknown status '" + s + "'; one of "
                + Arrays.stream(values()).map(FindingStatus::wireName).collect(Collectors.joining(", ")));
    }
}
