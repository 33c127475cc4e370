package dk.vejsyn.api.road;

import java.time.Instant;

/**
 * A segment as it stands now: what lies on it and its rating.
 *
 * @param condition 1–5 (5 good), null when not driven within the rating window ("not inspected")
 * @param conditionIndex 0–100, PCI-like; null with {@code condition}
 * @param midLon the point halfway along it (for lists and CSV)
 * @param geometry the LineString as GeoJSON text (lon/lat), when asked for
 */
public record SegmentState(long id, String roadName, double lengthM, int potholes, int cracks, double crackLengthM,
        Instant lastDrivenAt, Integer condition, Double conditionIndex, double midLon, double midLat, String geometry) {

    /** Whether it has a rating (was driven within the window). */
    public boolean inspected() {
        return condition != null;
    }
}
