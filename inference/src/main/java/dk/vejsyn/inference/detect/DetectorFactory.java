package dk.vejsyn.inference.detect;

import dk.vejsyn.inference.timing.StageTimes;

/** Makes one {@link Detector} per worker thread; the detector reports its stage times to {@code times}. */
@FunctionalInterface
public interface DetectorFactory {
    Detector newDetector(StageTimes times);
}
