package dk.vejsyn.api.road;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code vejsyn.roads.*}: how the road network is cut, matched and rated (README, "Road network").
 *
 * @param segmentLengthM longest stretch: a road between two junctions is cut into equal stretches of
 *     at most this length (so 50–100 m with the default 100; shorter roads stay one stretch)
 * @param findingDistanceM a finding belongs to the nearest segment within this distance (about half
 *     a road's width plus GPS error); farther findings belong to no segment
 * @param coverageDistanceM a drive's track covers a point of a segment within this distance ...
 * @param coverageHeadingDeg ... when it runs along the segment there (either direction) within this angle
 * @param coverageMinShare ... and a segment is covered when at least this share of its length is
 * @param ratingWindow a segment not driven within this window has no rating (null, "not inspected")
 * @param lanes lanes assumed per road for densities per lane-metre (the files carry no lane counts)
 * @param laneWidthM lane width for pothole densities per area
 * @param historyInterval how often every segment's rating is compared with its last history row (0: never)
 * @param metricSrid the metric CRS segments are cut and matched in (EPSG:25832, valid across Denmark)
 * @param maxFeatures most segments one road-segments answer holds
 */
@Validated
@ConfigurationProperties("vejsyn.roads")
public record RoadProperties(
        @DefaultValue("100") @DecimalMin("10") @DecimalMax("1000") double segmentLengthM,
        @DefaultValue("10") @DecimalMin("0.5") @DecimalMax("100") double findingDistanceM,
        @DefaultValue("12") @DecimalMin("1") @DecimalMax("100") double coverageDistanceM,
        @DefaultValue("30") @DecimalMin("1") @DecimalMax("90") double coverageHeadingDeg,
        @DefaultValue("0.6") @DecimalMin("0.05") @DecimalMax("1") double coverageMinShare,
        @DefaultValue("365d") @NotNull Duration ratingWindow,
        @DefaultValue("2") @Min(1) @Max(12) int lanes,
        @DefaultValue("3.5") @DecimalMin("1") @DecimalMax("10") double laneWidthM,
        @DefaultValue("1h") @NotNull Duration historyInterval,
        @DefaultValue("25832") @Min(1) int metricSrid,
        @DefaultValue("10000") @Min(1) int maxFeatures) {

    /** The defaults above, for code that runs without Spring (unit tests). */
    public static RoadProperties defaults() {
        return new RoadProperties(100, 10, 12, 30, 0.6, Duration.ofDays(365), 2, 3.5, Duration.ofHours(1), 25832, 10000);
    }
}
