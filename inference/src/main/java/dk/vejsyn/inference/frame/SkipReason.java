package dk.vejsyn.inference.frame;

/**
 * Why a frame source did not hand a frame to the pipeline. The {@link #label()} is what the CLI
 * prints in its summary ("skipped: 120 standstill, 3 damaged").
 */
public enum SkipReason {
    /** The vehicle was (nearly) not moving: the same view again would only repeat detections. */
    STANDSTILL("standstill"),
    /** The vehicle has not yet travelled the sampling distance since the last kept frame. */
    BELOW_SAMPLING_DISTANCE("below sampling distance"),
    /** The frame's time lies before the first or after the last GPS fix: no position to give it. */
    OUTSIDE_TRACK("outside track"),
    /** The decoder could not produce the frame (corrupt packet, truncated file). */
    DAMAGED("damaged"),
    /** A still image without a usable EXIF GPS position. */
    NO_GPS("no GPS"),
    /** A still image with a position but neither a GPS time stamp nor DateTimeOriginal. */
    NO_TIME("no capture time");

    private final String label;

    SkipReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
