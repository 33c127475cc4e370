package dk.vejsyn.api.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How observations become findings ({@code vejsyn.findings.*}).
 *
 * @param mergeRadiusM an observation joins an open finding of its type whose position lies within
 *     this many metres, else it starts a new finding
 * @param lockCellM edge of the grid cells that writers lock (with their 8 neighbours) before
 *     merging; must be at least {@code mergeRadiusM}
 * @param notSeenPasses after this many drives passed a finding in view without seeing it, the
 *     finding becomes {@code possibly_repaired}
 * @param redriveRangeM how far ahead the camera is trusted to see a pothole
 * @param severity the severity rule
 */
@Validated
@ConfigurationProperties("vejsyn.findings")
public record FindingProperties(
        @DefaultValue("3.0") @DecimalMin("0.1") @DecimalMax("50") double mergeRadiusM,
        @DefaultValue("25.0") @Positive double lockCellM,
        @DefaultValue("2") @Min(1) int notSeenPasses,
        @DefaultValue("25.0") @Positive double redriveRangeM,
        @DefaultValue @Valid Severity severity) {

    public FindingProperties {
        if (lockCellM < mergeRadiusM) {
            throw new IllegalArgumentException("vejsyn.findings.lock-cell-m must be >= merge-radius-m");
        }
    }

    /**
     * Severity 1..{@code max}: 1, plus 1 for every area threshold the finding's estimated area
     * (score-weighted mean, m²) reaches, plus {@code sightingsBonus} once it has at least
     * {@code sightingsForBonus} observations, capped at {@code max}. With the defaults: under
     * 0.05 m² → 1, 0.05 → 2, 0.15 → 3, 0.4 → 4, 1 m² and more → 5; a 0.1 m² pothole seen 3 times → 3.
     *
     * @param areaThresholdsM2 ascending area thresholds in square metres
     * @param sightingsForBonus observation count that earns the bonus
     * @param sightingsBonus severity added for repeated sightings
     * @param max highest severity
     */
    public record Severity(
            @DefaultValue({"0.05", "0.15", "0.4", "1.0"}) @NotEmpty List<Double> areaThresholdsM2,
            @DefaultValue("3") @Min(1) int sightingsForBonus,
            @DefaultValue("1") @Min(0) int sightingsBonus,
            @DefaultValue("5") @Min(1) int max) {

        public int of(double areaM2, int observationCount) {
            int s = 1;
            for (double t : areaThresholdsM2) {
                if (areaM2 >= t) {
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
