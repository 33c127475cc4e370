package dk.vejsyn.api.config;

import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.geo.CrackTyping;
import dk.vejsyn.inference.pipeline.DetectionSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the service turns frames into observations ({@code vejsyn.detection.*}), for upload jobs
 * and live frames alike; the command line has the same settings as options (README,
 * "Configuration"). Both map onto {@link DetectionSettings}.
 *
 * @param model the model's metadata file; empty: {@code VEJSYN_MODEL}, else the shipped one
 * @param scoreThreshold score threshold; absent: the model's, chosen on validation data
 * @param iouThreshold NMS IoU threshold; absent: the model's
 * @param maxRangeM detections farther from the camera are dropped
 * @param sampleDistanceM upload jobs keep one frame per this many metres travelled
 * @param evidenceMarginPx pixels kept around each detection in its evidence crop
 * @param workers the service's detector threads (its {@code DetectionService}), one predictor
 *     each, shared by live frames (served first) and upload jobs; 0 = one per core
 * @param crackTyping how a crack the model reports as generic {@code crack} is typed by its ground
 *     footprint ({@link CrackTyping}; README, "Damage types")
 */
@Validated
@ConfigurationProperties("vejsyn.detection")
public record DetectionProperties(
        @DefaultValue("") String model,
        @DecimalMin("0.0") @DecimalMax("1.0") Float scoreThreshold,
        @DecimalMin("0.0") @DecimalMax("1.0") Float iouThreshold,
        @DefaultValue("25.0") @DecimalMin("1.0") double maxRangeM,
        @DefaultValue("4.0") @DecimalMin("0.0") double sampleDistanceM,
        @DefaultValue("16") @Min(0) @Max(256) int evidenceMarginPx,
        @DefaultValue("0") @Min(0) @Max(64) int workers,
        @DefaultValue @Valid CrackTypingProperties crackTyping) {

    /**
     * {@code vejsyn.detection.crack-typing.*}: the thresholds of {@link CrackTyping}.
     *
     * @param enabled false: every crack stays {@code crack}
     * @param elongation longer than wide by this factor along the road: longitudinal; across it: transverse
     * @param alligatorMinM both extents at least this (metres): alligator cracking
     * @param maxDistanceM farther from the camera the footprint is too coarse to type
     */
    public record CrackTypingProperties(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2.5") @DecimalMin(value = "1.0", inclusive = false) @DecimalMax("100") double elongation,
            @DefaultValue("1.0") @DecimalMin(value = "0.0", inclusive = false) double alligatorMinM,
            @DefaultValue("12.0") @DecimalMin(value = "0.0", inclusive = false) double maxDistanceM) {

        CrackTyping typing() {
            return new CrackTyping(enabled, elongation, alligatorMinM, maxDistanceM);
        }
    }

    /** The typed settings the inference module works with. */
    public DetectionSettings settings() {
        Path metadata = model == null || model.isBlank() ? ModelSpec.defaultMetadataFile() : Path.of(model);
        return new DetectionSettings(metadata, scoreThreshold, iouThreshold, maxRangeM, sampleDistanceM,
                evidenceMarginPx, workers, crackTyping == null ? CrackTyping.DEFAULT : crackTyping.typing());
    }
}
