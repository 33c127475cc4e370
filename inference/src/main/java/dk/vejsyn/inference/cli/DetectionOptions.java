package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.pipeline.DetectionSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The command line's view of {@link DetectionSettings}: the same names and defaults as the
 * service's {@code vejsyn.detection.*}, for every command that detects ({@code detect},
 * {@code detect --db}).
 */
public final class DetectionOptions {

    @Option(names = "--model", paramLabel = "JSON", description = "Model metadata file (default: models/pothole-detector.json).")
    Path model;

    @Option(names = "--sample-distance", paramLabel = "METRES",
            description = "Keep one frame per this many metres travelled (default 4).")
    Double sampleDistance;

    @Option(names = "--max-range", paramLabel = "METRES", description = "Drop detections farther than this (default 25).")
    Double maxRange;

    @Option(names = "--score", paramLabel = "P", description = "Score threshold (default: the model's, chosen on validation data).")
    Float score;

    @Option(names = "--iou", paramLabel = "IOU", description = "NMS IoU threshold (default: the model's).")
    Float iou;

    @Option(names = "--evidence-margin", paramLabel = "PX",
            description = "Pixels kept around each detection in its evidence crop (default 16).")
    Integer evidenceMargin;

    @Option(names = "--workers", paramLabel = "N",
            description = "Detector threads, each with its own predictor (default: one per core).")
    Integer workers;

    /**
     * The settings these options give, {@link DetectionSettings#defaults()} for those not given;
     * bad values are bad input (exit 2) naming the setting.
     */
    public DetectionSettings settings() {
        DetectionSettings d = DetectionSettings.defaults();
        try {
            return new DetectionSettings(model != null ? model : d.model(), score, iou,
                    maxRange != null ? maxRange : d.maxRangeM(),
                    sampleDistance != null ? sampleDistance : d.sampleDistanceM(),
                    evidenceMargin != null ? evidenceMargin : d.evidenceMarginPx(), workers != null ? workers : d.workers());
        } catch (IllegalArgumentException e) {
            throw new InputException("detection options: " + e.getMessage());
        }
    }
}
