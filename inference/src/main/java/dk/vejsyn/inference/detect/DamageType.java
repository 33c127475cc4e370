package dk.vejsyn.inference.detect;

import java.util.Locale;

/**
 * Kinds of road damage, with their RDD (Road Damage Dataset) codes. The model's class list
 * (in its metadata file) names which of these it can detect. {@link #CRACK} is a crack whose type
 * is not given: the model has one generic {@code crack} output row.
 */
public enum DamageType {
    POTHOLE("D40"),
    LONGITUDINAL_CRACK("D00"),
    TRANSVERSE_CRACK("D10"),
    ALLIGATOR_CRACK("D20"),
    /** A crack of any of the three types above, type not told (RDD codes D00, D10 or D20). */
    CRACK("D0x");

    private final String rddCode;

    DamageType(String rddCode) {
        this.rddCode = rddCode;
    }

    public String rddCode() {
        return rddCode;
    }

    /** True for the crack types, typed or not. */
    public boolean isCrack() {
        return this != POTHOLE;
    }

    /** Lower-case wire name, e.g. {@code pothole}, {@code longitudinal_crack}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name or class name such as {@code pothole} or {@code longitudinal crack}. */
    public static DamageType fromName(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        for (DamageType t : values()) {
            if (t.name().equals(key) || t.rddCode.equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown damage type: " + name);
    }
}
