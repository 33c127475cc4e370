package dk.vejsyn.inference.frame;

import java.time.Instant;
import java.util.Objects;

/**
 * Where and how a vehicle was when a frame was captured.
 *
 * <p>Coordinates are WGS84 degrees. {@code headingDeg} is the direction of travel (or of the
 * camera) clockwise from true north in [0, 360), or {@code NaN} when unknown. {@code speedMps}
 * and {@code accuracyM} are {@code NaN} when unknown; {@code altitudeM} likewise.
 */
public record GeoTag(
        double lat,
        double lon,
        double headingDeg,
        double speedMps,
        Instant time,
        double accuracyM,
        double altitudeM) {

    public GeoTag {
        if (!Double.isFinite(lat) || lat < -90 || lat > 90) {
            throw new IllegalArgumentException("latitude out of range [-90, 90]: " + lat);
        }
        if (!Double.isFinite(lon) || lon < -180 || lon > 180) {
            throw new IllegalArgumentException("longitude out of range [-180, 180]: " + lon);
        }
        if (Double.isInfinite(headingDeg)) {
            throw new IllegalArgumentException("heading must be finite or NaN: " + headingDeg);
        }
        if (!Double.isNaN(headingDeg)) {
            headingDeg = ((headingDeg % 360.0) + 360.0) % 360.0;
        }
        if (speedMps < 0) {
            throw new IllegalArgumentException("speed must not be negative: " + speedMps);
        }
        if (accuracyM < 0) {
            throw new IllegalArgumentException("accuracy must not be negative: " + accuracyM);
        }
        Objects.requireNonNull(time, "time");
    }

    /** A tag with only position and time known. */
    public static GeoTag of(double lat, double lon, Instant time) {
        return new GeoTag(lat, lon, Double.NaN, Double.NaN, time, Double.NaN, Double.NaN);
    }

    public boolean hasHeading() {
        return !Double.isNaN(headingDeg);
    }

    public GeoTag withHeading(double heading) {
        return new GeoTag(lat, lon, heading, speedMps, time, accuracyM, altitudeM);
    }

    public GeoTag withTime(Instant t) {
        return new GeoTag(lat, lon, headingDeg, speedMps, t, accuracyM, altitudeM);
    }

    public GeoTag withSpeed(double speed) {
        return new GeoTag(lat, lon, headingDeg, speed, time, accuracyM, altitudeM);
    }
}
