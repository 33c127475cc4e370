package dk.vejsyn.inference.frame;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a frame source samples and aligns its frames. Use {@link #defaults()} and the
 * {@code with…} methods.
 *
 * @param sampleDistanceM keep one frame per this many metres travelled (default 4 m: a pothole
 *     stays in view for 15–25 m, so it is seen in several frames without near-duplicates)
 * @param standstillSpeedMps below this speed the vehicle counts as standing still (default 0.5
 *     m/s: walking pace is 1.4; GPS speed noise of a parked receiver stays under ~0.3)
 * @param minHeadingTravelM heading derived from movement uses positions at least this far apart
 *     (default 2 m), so GPS jitter at standstill does not turn into random headings
 * @param videoStart the video's first frame time, overriding the container's creation_time
 * @param timeOffset added to the video start (creation_time or {@code videoStart}); corrects a
 *     camera clock that differs from GPS time
 * @param sampleImages whether still images are distance-sampled too; off by default because
 *     stills are usually already taken every few metres by the camera
 */
public record SourceOptions(
        double sampleDistanceM,
        double standstillSpeedMps,
        double minHeadingTravelM,
        Optional<Instant> videoStart,
        Duration timeOffset,
        boolean sampleImages) {

    public static final double DEFAULT_SAMPLE_DISTANCE_M = 4.0;
    public static final double DEFAULT_STANDSTILL_SPEED_MPS = 0.5;
    public static final double DEFAULT_MIN_HEADING_TRAVEL_M = 2.0;

    public SourceOptions {
        if (!(sampleDistanceM >= 0) || Double.isInfinite(sampleDistanceM)) {
            throw new IllegalArgumentException("sample distance must be a finite number >= 0: " + sampleDistanceM);
        }
        if (!(standstillSpeedMps >= 0) || Double.isInfinite(standstillSpeedMps)) {
            throw new IllegalArgumentException("standstill speed must be a finite number >= 0: " + standstillSpeedMps);
        }
        if (!(minHeadingTravelM > 0) || Double.isInfinite(minHeadingTravelM)) {
            throw new IllegalArgumentException("heading travel must be a finite number > 0: " + minHeadingTravelM);
        }
        Objects.requireNonNull(videoStart, "videoStart");
        Objects.requireNonNull(timeOffset, "timeOffset");
    }

    public static SourceOptions defaults() {
        return new SourceOptions(DEFAULT_SAMPLE_DISTANCE_M, DEFAULT_STANDSTILL_SPEED_MPS,
                DEFAULT_MIN_HEADING_TRAVEL_M, Optional.empty(), Duration.ZERO, false);
    }

    public SourceOptions withSampleDistanceM(double metres) {
        return new SourceOptions(metres, standstillSpeedMps, minHeadingTravelM, videoStart, timeOffset, sampleImages);
    }

    public SourceOptions withStandstillSpeedMps(double mps) {
        return new SourceOptions(sampleDistanceM, mps, minHeadingTravelM, videoStart, timeOffset, sampleImages);
    }

    public SourceOptions withVideoStart(Instant start) {
        return new SourceOptions(sampleDistanceM, standstillSpeedMps, minHeadingTravelM,
                Optional.of(start), timeOffset, sampleImages);
    }

    public SourceOptions withTimeOffset(Duration offset) {
        return new SourceOptions(sampleDistanceM, standstillSpeedMps, minHeadingTravelM, videoStart, offset, sampleImages);
    }

    public SourceOptions withSampleImages(boolean sample) {
        return new SourceOptions(sampleDistanceM, standstillSpeedMps, minHeadingTravelM, videoStart, timeOffset, sample);
    }

    /** A sampler configured from these options. */
    public DistanceSampler sampler() {
        return new DistanceSampler(sampleDistanceM, standstillSpeedMps);
    }
}
