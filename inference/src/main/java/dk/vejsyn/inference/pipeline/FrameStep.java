package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.DropReason;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The work done on one frame, the same for every way frames arrive (a drive file, an upload job,
 * a live vehicle): detect, cut each detection's evidence crop, locate it on the ground. The
 * callers differ only in where frames come from and where observations go.
 *
 * @param evidence whether to cut evidence crops (the store keeps them; benchmarks may not)
 * @param evidenceMarginPx context kept around each box in the crop, pixels
 */
public record FrameStep(boolean evidence, int evidenceMarginPx) {

    /** What one frame gave: every detection, the kept observations, and why the others were dropped. */
    public record Outcome(List<Detection> detections, List<Observation> observations, Map<DropReason, Integer> dropped) {}

    public FrameStep {
        if (evidenceMarginPx < 0) {
            throw new IllegalArgumentException("evidence margin must not be negative: " + evidenceMarginPx);
        }
    }

    /**
     * Runs the step on the calling thread. {@code detector} adds its stage times to
     * {@code times}; locating (with cropping) is added as {@link Stage#GEOREFERENCE}.
     *
     * @param index the frame's index in its source (or the live frame's inbox id): observations carry it
     */
    public Outcome run(Detector detector, ObservationLocator locator, Frame frame, GeoTag tag, String source, long index,
            StageTimes times) {
        List<Detection> found = detector.detect(frame);
        long t0 = System.nanoTime();
        List<Observation> kept = new ArrayList<>(found.size());
        Map<DropReason, Integer> dropped = new EnumMap<>(DropReason.class);
        for (Detection d : found) {
            byte[] crop = evidence ? Evidence.crop(frame.image(), d.box(), evidenceMarginPx) : null;
            var result = locator.locate(d, tag, frame.width(), frame.height(), source, index, crop);
            if (result.isKept()) {
                kept.add(result.observation());
            } else {
                dropped.merge(result.dropped(), 1, Integer::sum);
            }
        }
        times.add(Stage.GEOREFERENCE, System.nanoTime() - t0);
        return new Outcome(found, kept, dropped);
    }
}
