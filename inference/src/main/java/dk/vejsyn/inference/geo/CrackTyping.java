package dk.vejsyn.inference.geo;

import dk.vejsyn.inference.detect.DamageType;

/**
 * Tells the kind of a crack from its ground footprint, where the footprint can tell it.
 *
 * <p>The model reports a generic {@link DamageType#CRACK}. Once {@link ObservationLocator} has put
 * the detection's box on the road it knows the footprint's extent across the road ({@code widthM},
 * between the box's projected bottom corners) and along the road ({@code alongM}, between its
 * projected near and far edges), in the vehicle's driving direction. The rule:
 *
 * <ol>
 *   <li>a model that reports typed cracks itself keeps its type, and a pothole stays a pothole;
 *   <li>a footprint that cannot be trusted stays {@code crack}: its far edge at or above the
 *       horizon (no along-road extent), or farther than {@code maxDistanceM} from the camera
 *       (along the road, a metre there is only a few pixel rows tall);
 *   <li>{@code alongM >= elongation × widthM}: {@link DamageType#LONGITUDINAL_CRACK};
 *   <li>{@code widthM >= elongation × alongM}: {@link DamageType#TRANSVERSE_CRACK};
 *   <li>both at least {@code alligatorMinM}: {@link DamageType#ALLIGATOR_CRACK} (a network of
 *       cracks covering an area);
 *   <li>otherwise {@code crack}.
 * </ol>
 *
 * <p>Limits, on purpose: a box holds a diagonal crack as well as a patch of alligator cracking, so
 * a long diagonal crack (about 45° to the road, both extents above {@code alligatorMinM}) is called
 * alligator, and a short one plain {@code crack}; a crack on a curve is typed by the vehicle's
 * heading at the frame. The findings store lets the sightings of one crack outvote a single odd
 * frame (its type is the typed kind with the most score weight).
 *
 * @param enabled false keeps every crack {@code crack} (a camera whose profile is too rough to trust)
 * @param elongation how many times longer than wide a footprint must be to be called
 *     longitudinal (along the road) or transverse (across it); more than 1
 * @param alligatorMinM both extents at least this many metres: alligator cracking
 * @param maxDistanceM footprints farther from the camera than this stay {@code crack}
 */
public record CrackTyping(boolean enabled, double elongation, double alligatorMinM, double maxDistanceM) {

    /** The defaults: elongation 2.5, alligator from 1 m × 1 m, within 12 m of the camera. */
    public static final CrackTyping DEFAULT = new CrackTyping(true, 2.5, 1.0, 12.0);

    public CrackTyping {
        if (!(elongation > 1) || Double.isInfinite(elongation)) {
            throw new IllegalArgumentException("crack elongation must be a number above 1: " + elongation);
        }
        if (!(alligatorMinM > 0) || Double.isInfinite(alligatorMinM)) {
            throw new IllegalArgumentException("alligator minimum extent must be positive metres: " + alligatorMinM);
        }
        if (!(maxDistanceM > 0) || Double.isInfinite(maxDistanceM)) {
            throw new IllegalArgumentException("crack typing distance must be positive metres: " + maxDistanceM);
        }
    }

    /**
     * The type to report for a detection of {@code detected} with this footprint.
     *
     * @param widthM extent across the road, metres
     * @param alongM extent along the road, metres; NaN when the far edge could not be placed
     * @param distanceM distance from the camera's foot point to the footprint's centre, metres
     */
    public DamageType type(DamageType detected, double widthM, double alongM, double distanceM) {
        if (detected != DamageType.CRACK || !enabled) {
            return detected;
        }
        if (!(widthM > 0) || !(alongM > 0) || Double.isInfinite(widthM) || Double.isInfinite(alongM)
                || !(distanceM <= maxDistanceM)) {
            return DamageType.CRACK;
        }
        if (alongM >= elongation * widthM) {
            return DamageType.LONGITUDINAL_CRACK;
        }
        if (widthM >= elongation * alongM) {
            return DamageType.TRANSVERSE_CRACK;
        }
        if (widthM >= alligatorMinM && alongM >= alligatorMinM) {
            return DamageType.ALLIGATOR_CRACK;
        }
        return DamageType.CRACK;
    }

    /**
     * A crack's size: its length in metres, the longer extent of its footprint (along the road for a
     * longitudinal crack, across it for a transverse one). A diagonal crack's length is understated
     * by up to √2: its box gives its extents, not its path.
     */
    public static double crackLengthM(double widthM, double alongM) {
        if (!Double.isFinite(widthM)) {
            return alongM;
        }
        if (!Double.isFinite(alongM)) {
            return widthM;
        }
        return Math.max(widthM, alongM);
    }
}
