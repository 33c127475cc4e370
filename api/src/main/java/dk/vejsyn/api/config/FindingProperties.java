package dk.vejsyn.api.config;

import dk.vejsyn.inference.detect.DamageType;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How observations become findings ({@code vejsyn.findings.*}).
 *
 * @param mergeRadiusM a pothole observation joins an open pothole finding whose position lies within
 *     this many metres, else it starts a new finding
 * @param lockCellM edge of the grid cells that writers lock (with their 8 neighbours) before
 *     merging; must be at least {@code mergeRadiusM} and the crack merge's {@code alongM}
 * @param notSeenPasses after this many drives passed a finding in view without seeing it, the
 *     finding becomes {@code possibly_repaired}
 * @param redriveRangeM how far ahead the camera is trusted to see a pothole
 * @param severity the severity rule
 * @param crackMerge how far apart sightings of one crack may be placed
 */
@Validated
@ConfigurationProperties("vejsyn.findings")
public record FindingProperties(
        @DefaultValue("3.0") @DecimalMin("0.1") @DecimalMax("50") double mergeRadiusM,
        @DefaultValue("25.0") @Positive double lockCellM,
        @DefaultValue("2") @Min(1) int notSeenPasses,
        @DefaultValue("25.0") @Positive double redriveRangeM,
        @DefaultValue @Valid Severity severity,
        @DefaultValue @Valid CrackMerge crackMerge) {

    @ConstructorBinding
    public FindingProperties {
        crackMerge = crackMerge == null ? CrackMerge.DEFAULT : crackMerge;
        if (lockCellM < mergeRadiusM) {
            throw new IllegalArgumentException("vejsyn.findings.lock-cell-m must be >= merge-radius-m");
        }
        if (lockCellM < crackMerge.reachM()) {
            throw new IllegalArgumentException("vejsyn.findings.lock-cell-m must be >= crack-merge.along-m and across-m");
        }
    }

    /** Settings with the default crack merge. */
    public FindingProperties(double mergeRadiusM, double lockCellM, int notSeenPasses, double redriveRangeM,
            Severity severity) {
        this(mergeRadiusM, lockCellM, notSeenPasses, redriveRangeM, severity, null);
    }

    /** The farthest any observation may be from a finding it joins, whatever its type. */
    public double maxMergeReachM() {
        return Math.max(mergeRadiusM, crackMerge.reachM());
    }

    /**
     * {@code vejsyn.findings.crack-merge.*}: a crack observation joins an open crack finding (any kind:
     * cracks merge within their family) inside an ellipse around the observation, {@code alongM}
     * metres ahead and behind along the vehicle's heading and {@code acrossM} metres to either side.
     * Why looser along the road: the frames of a pass see different stretches of a long crack, so
     * its sightings are placed metres apart along it, while across the road they scatter only by the
     * GPS error, as a pothole's do.
     *
     * @param alongM half the ellipse's axis along the road, metres
     * @param acrossM half its axis across the road, metres
     */
    public record CrackMerge(
            @DefaultValue("6.0") @DecimalMin("0.1") @DecimalMax("50") double alongM,
            @DefaultValue("3.0") @DecimalMin("0.1") @DecimalMax("50") double acrossM) {

        public static final CrackMerge DEFAULT = new CrackMerge(6.0, 3.0);

        /** The larger half-axis: no crack observation joins a finding farther away. */
        public double reachM() {
            return Math.max(alongM, acrossM);
        }
    }

    /**
     * Severity 1..{@code max}: 1, plus 1 for every size threshold the finding's size reaches, plus
     * {@code sightingsBonus} once it has at least {@code sightingsForBonus} observations, capped at
     * {@code max}. The size is the one a repair is planned by:
     * <ul>
     *   <li>a pothole: its estimated area (score-weighted mean, m²) against {@code areaThresholdsM2}.
     *       With the defaults: under 0.05 m² → 1, 0.05 → 2, 0.15 → 3, 0.4 → 4, 1 m² and more → 5; a
     *       0.1 m² pothole seen 3 times → 3;
     *   <li>a longitudinal, transverse or untyped crack: its length (m, sealed by the metre) against
     *       {@code crackLengthThresholdsM}: under 1 m → 1, 1 → 2, 2.5 → 3, 5 → 4, 10 m and more → 5;
     *   <li>alligator cracking (an area of broken surface, patched by the square metre): its area
     *       against {@code alligatorAreaThresholdsM2}: under 0.5 m² → 1, 0.5 → 2, 1.5 → 3, 3 → 4, 6 → 5.
     * </ul>
     * A crack's opening width (millimetres) is below what a box in a frame can measure, so it is not
     * part of the rule.
     *
     * @param areaThresholdsM2 ascending pothole area thresholds in square metres
     * @param sightingsForBonus observation count that earns the bonus
     * @param sightingsBonus severity added for repeated sightings
     * @param max highest severity
     * @param crackLengthThresholdsM ascending crack length thresholds in metres
     * @param alligatorAreaThresholdsM2 ascending alligator cracking area thresholds in square metres
     */
    public record Severity(
            @DefaultValue({"0.05", "0.15", "0.4", "1.0"}) @NotEmpty List<Double> areaThresholdsM2,
            @DefaultValue("3") @Min(1) int sightingsForBonus,
            @DefaultValue("1") @Min(0) int sightingsBonus,
            @DefaultValue("5") @Min(1) int max,
            @DefaultValue({"1.0", "2.5", "5.0", "10.0"}) @NotEmpty List<Double> crackLengthThresholdsM,
            @DefaultValue({"0.5", "1.5", "3.0", "6.0"}) @NotEmpty List<Double> alligatorAreaThresholdsM2) {

        @ConstructorBinding
        public Severity {
            crackLengthThresholdsM = crackLengthThresholdsM == null ? List.of(1.0, 2.5, 5.0, 10.0) : crackLengthThresholdsM;
            alligatorAreaThresholdsM2 = alligatorAreaThresholdsM2 == null ? List.of(0.5, 1.5, 3.0, 6.0)
                    : alligatorAreaThresholdsM2;
        }

        /** The pothole rule with the default crack rules. */
        public Severity(List<Double> areaThresholdsM2, int sightingsForBonus, int sightingsBonus, int max) {
            this(areaThresholdsM2, sightingsForBonus, sightingsBonus, max, null, null);
        }

        /** A pothole's severity (by area). */
        public int of(double areaM2, int observationCount) {
            return graded(areaThresholdsM2, areaM2, observationCount);
        }

        /** The severity of a finding of {@code type} with this area, length and observation count. */
        public int of(DamageType type, double areaM2, double lengthM, int observationCount) {
            return switch (type) {
                case POTHOLE -> graded(areaThresholdsM2, areaM2, observationCount);
                case ALLIGATOR_CRACK -> graded(alligatorAreaThresholdsM2, areaM2, observationCount);
                case LONGITUDINAL_CRACK, TRANSVERSE_CRACK, CRACK -> graded(crackLengthThresholdsM, lengthM, observationCount);
            };
        }

        private int graded(List<Double> thresholds, double size, int observationCount) {
            int s = 1;
            for (double t : thresholds) {
                if (size >= t) {
                    s++;
                }
            }
            if (observationCount >= sightingsForBonus) {
                s += sightingsBonus;
            }
            return Math.max(1, Math.min(max, s));
        }
    }
}
