package dk.vejsyn.inference.detect;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Kinds of road damage, with their RDD (Road Damage Dataset) codes. The model's class list
 * (in its metadata file) names which of these it reports ({@code reported_classes}).
 *
 * <p>Two families: potholes, and cracks. A crack is {@link #CRACK} when its kind is not told
 * (the model has one generic {@code crack} output row), or one of the typed kinds once its ground
 * footprint tells the kind ({@code dk.vejsyn.inference.geo.CrackTyping}). The findings store
 * merges sightings within a family ({@link #family()}), so one physical crack typed differently
 * from frame to frame stays one finding. Declaration order is part of the advisory-lock keys of
 * the findings store: add new types at the end.
 */
public enum DamageType {
    POTHOLE("D40"),
    LONGITUDINAL_CRACK("D00"),
    TRANSVERSE_CRACK("D10"),
    ALLIGATOR_CRACK("D20"),
    /** A crack whose kind (longitudinal, transverse, alligator) is not told; no RDD code of its own. */
    CRACK(null);

    private final String rddCode;

    DamageType(String rddCode) {
        this.rddCode = rddCode;
    }

    /** The RDD code, or {@code null} for the generic {@link #CRACK}. */
    public String rddCode() {
        return rddCode;
    }

    /** True for the crack family: {@link #CRACK} and the typed cracks. */
    public boolean isCrack() {
        return this != POTHOLE;
    }

    /**
     * The family this type merges within: {@link #CRACK} for every crack, {@link #POTHOLE} for a
     * pothole. A finding's sightings all share one family; its type may move within the family.
     */
    public DamageType family() {
        return isCrack() ? CRACK : this;
    }

    /** The members of {@code family}'s family, in declaration order. */
    public static Set<DamageType> familyOf(DamageType family) {
        Set<DamageType> out = EnumSet.noneOf(DamageType.class);
        for (DamageType t : values()) {
            if (t.family() == family.family()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Lower-case wire name, e.g. {@code pothole}, {@code longitudinal_crack}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name or class name such as {@code pothole} or {@code longitudinal crack}. */
    public static DamageType fromName(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        for (DamageType t : values()) {
            if (t.name().equals(key) || key.equals(t.rddCode)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown damage type: " + name);
    }
}
