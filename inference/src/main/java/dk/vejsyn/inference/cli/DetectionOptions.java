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

    @Option(names = "--sample-distance", paramLabel = "METRES", defaultValue = "4.0",
            description = "Keep one frame per this many metres travelled (default ${DEFAULT-VALUE}).")
    double sampleDistance;

    @Option(names = "--max-range", paramLabel = "METRES", defaultValue = "25.0",
            description = "Drop detections farther than this (default ${DEFAULT-VALUE}).")
    double maxRange;

    @Option(names = "--score", paramLabel = "P", description = "Score threshold (default: the model's, chosen on validation data).")
    Float score;

    @Option(names = "--iou", paramLabel = "IOU", description = "NMS IoU threshold (default: the model's).")
    Float iou;

    @Option(names = "--evidence-margin", paramLabel = "PX", defaultValue = "16",
            description = "Pixels kept around each detection in its evidence crop (default ${DEFAULT-VALUE}).")
    int evidenceMargin;

    @Option(names = "--workers", paramLabel = "N",
            description = "Detector threads, each with its own predictor (default: one per core).")
    Integer workers;

    /** The settings these options give; bad values are bad input (exit 2) naming the option. */
    public DetectionSettings settings() {
        DetectionSettings d = DetectionSettings.defaults();
        try {
            return new DetectionSettings(model != null ? model : d.model(), score, iou, maxRange, sampleDistance,
                    evidenceMargin, workers != null ? workers : 0);
        } catch (IllegalArgumentException e) {
            throw new InputException("detection options: " + e.getMessage());
        }
    }
}
