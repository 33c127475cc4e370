package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.ObservationLocator;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How frames become observations, one record for every entry point: the command line fills it
 * from its options ({@code DetectionOptions}), the service from {@code vejsyn.detection.*}. Before
 * it, the maximum range lived in five places and the evidence margin in three, and live frames
 * ignored the range the upload jobs were configured with.
 *
 * @param model the model's metadata file (the TorchScript file lies beside it)
 * @param scoreThreshold score threshold, or null for the model's (chosen on validation data)
 * @param iouThreshold NMS IoU threshold, or null for the model's
 * @param maxRangeM detections farther from the camera are dropped (default 25 m)
 * @param sampleDistanceM keep one frame per this many metres travelled (default 4 m; 0 keeps all)
 * @param evidenceMarginPx context kept around each box in its evidence crop (default 16 px)
 * @param workers detector threads, one predictor each; 0 = one per core
 */
public record DetectionSettings(
        Path model,
        Float scoreThreshold,
        Float iouThreshold,
        double maxRangeM,
        double sampleDistanceM,
        int evidenceMarginPx,
        int workers) {

    public DetectionSettings {
        Objects.requireNonNull(model, "model");
        if (scoreThreshold != null && !(scoreThreshold >= 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("score threshold must be in [0, 1]: " + scoreThreshold);
        }
        if (iouThreshold != null && !(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("IoU threshold must be in [0, 1]: " + iouThreshold);
        }
        if (!(maxRangeM > 0) || Double.isInfinite(maxRangeM)) {
            throw new IllegalArgumentException("max range must be a positive number of metres: " + maxRangeM);
        }
        if (!(sampleDistanceM >= 0) || Double.isInfinite(sampleDistanceM)) {
            throw new IllegalArgumentException("sample distance must be a finite number >= 0: " + sampleDistanceM);
        }
        if (evidenceMarginPx < 0) {
            throw new IllegalArgumentException("evidence margin must not be negative: " + evidenceMarginPx);
        }
        if (workers < 0 || workers > 64) {
            throw new IllegalArgumentException("workers must be in [0, 64] (0: one per core): " + workers);
        }
    }

    /** The shipped model (or {@code VEJSYN_MODEL}) with its own thresholds and the documented defaults. */
    public static DetectionSettings defaults() {
        return new DetectionSettings(ModelSpec.defaultMetadataFile(), null, null, ObservationLocator.DEFAULT_MAX_RANGE_M,
                SourceOptions.DEFAULT_SAMPLE_DISTANCE_M, Evidence.DEFAULT_MARGIN_PX, 0);
    }

    /** The model's metadata with the thresholds given here. */
    public ModelSpec modelSpec() {
        ModelSpec spec = ModelSpec.load(model);
        float iou = iouThreshold != null ? iouThreshold : spec.iouThreshold();
        // without a configured score threshold the model's own stay, per damage type where it has them
        return scoreThreshold != null ? spec.withThresholds(scoreThreshold, iou, spec.maxDetections())
                : spec.withIouThreshold(iou);
    }

    /** Detector threads to run: {@link #workers()} or one per core. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : PipelineSettings.defaultWorkers();
    }

    /** Threads and queue of a batch run, with evidence crops. */
    public PipelineSettings pipeline() {
        int w = effectiveWorkers();
        return new PipelineSettings(w, 2 * w, true, evidenceMarginPx);
    }

    /** Locates detections of frames from {@code camera}. */
    public ObservationLocator locator(CameraModel camera) {
        return new ObservationLocator(camera, maxRangeM);
    }

    /** Frame sampling by distance travelled. */
    public SourceOptions sourceOptions() {
        return SourceOptions.defaults().withSampleDistanceM(sampleDistanceM);
    }

    /** The per-frame step with this evidence margin. */
    public FrameStep frameStep() {
        return new FrameStep(true, evidenceMarginPx);
    }

    public DetectionSettings withWorkers(int n) {
        return new DetectionSettings(model, scoreThreshold, iouThreshold, maxRangeM, sampleDistanceM, evidenceMarginPx, n);
    }
}
