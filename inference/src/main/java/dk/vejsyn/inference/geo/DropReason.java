package dk.vejsyn.inference.geo;

/** Why a detection was not turned into an {@link Observation}. */
public enum DropReason {
    /** The box's ground contact lies at or above the horizon: no ground intersection. */
    ABOVE_HORIZON("above horizon"),
    /** The box's ground contact is farther than the configured maximum range. */
    BEYOND_RANGE("beyond max range"),
    /** The frame's tag has no heading, so the offset cannot be turned into a direction. */
    NO_HEADING("no heading");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
