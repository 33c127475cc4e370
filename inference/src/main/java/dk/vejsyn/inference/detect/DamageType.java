package dk.vejsyn.inference.detect;

import java.util.Locale;

/**
 * Kinds of road damage, with their RDD (Road Damage Dataset) codes. The model's class list
 * (in its metadata file) names which of these it can detect; today that is potholes only.
 */
public enum DamageType {
    POTHOLE("D40"),
    LONGITUDINAL_CRACK("D00"),
    TRANSVERSE_CRACK("D10"),
    ALLIGATOR_CRACK("D20");

    private final String rddCode;

    DamageType(String rddCode) {
        this.rddCode = rddCode;
    }

    public String rddCode() {
        return rddCode;
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
