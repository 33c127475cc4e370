package dk.vejsyn.inference.frame;

import com.drew.lang.GeoLocation;
import com.drew.lang.Rational;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;

/**
 * A {@link GeoTag} from an image's EXIF metadata (read by metadata-extractor): GPS latitude and
 * longitude, altitude, GPSImgDirection as heading, GPSSpeed, and the GPS date and time stamp,
 * else DateTimeOriginal.
 *
 * <p>DateTimeOriginal is camera-local time; with an OffsetTimeOriginal tag it is exact, without
 * one it is read as UTC. That keeps a series in order but may shift it by the camera's zone,
 * which matters only when images are matched against other clocks.
 *
 * <p>GPSImgDirection is taken as is whether its reference is true or magnetic north: in Denmark
 * the two differ by about 4°, less than a phone compass's own error.
 */
final class ExifGeoTags {
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    /** The tag, or why there is none. */
    record Reading(GeoTag tag, SkipReason missing) {}

    private ExifGeoTags() {}

    static Reading read(Metadata metadata) {
        GpsDirectory gps = metadata.getFirstDirectoryOfType(GpsDirectory.class);
        GeoLocation location = gps == null ? null : gps.getGeoLocation();
        // (0, 0) is what many cameras write before they have a fix.
        if (location == null || location.isZero()
                || !(Math.abs(location.getLatitude()) <= 90) || !(Math.abs(location.getLongitude()) <= 180)) {
            return new Reading(null, SkipReason.NO_GPS);
        }
        Optional<Instant> time = gpsTime(gps).or(() -> originalTime(metadata));
        if (time.isEmpty()) {
            return new Reading(null, SkipReason.NO_TIME);
        }
        return new Reading(new GeoTag(location.getLatitude(), location.getLongitude(),
                heading(gps), speed(gps), time.get(), Double.NaN, altitude(gps)), null);
    }

    private static Optional<Instant> gpsTime(GpsDirectory gps) {
        Date date = gps.getGpsDate();
        return Optional.ofNullable(date).map(Date::toInstant);
    }

    private static Optional<Instant> originalTime(Metadata metadata) {
        ExifSubIFDDirectory exif = metadata.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
        if (exif == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(exif.getDateOriginal(UTC)).map(Date::toInstant);
    }

    private static double heading(GpsDirectory gps) {
        Rational r = gps.getRational(GpsDirectory.TAG_IMG_DIRECTION);
        if (r == null || r.getDenominator() == 0) {
            return Double.NaN;
        }
        double deg = r.doubleValue();
        return Double.isFinite(deg) ? deg : Double.NaN;
    }

    private static double altitude(GpsDirectory gps) {
        Rational r = gps.getRational(GpsDirectory.TAG_ALTITUDE);
        if (r == null || r.getDenominator() == 0) {
            return Double.NaN;
        }
        Integer ref = gps.getInteger(GpsDirectory.TAG_ALTITUDE_REF);
        return ref != null && ref == 1 ? -r.doubleValue() : r.doubleValue(); // 1 = below sea level
    }

    private static double speed(GpsDirectory gps) {
        Rational r = gps.getRational(GpsDirectory.TAG_SPEED);
        if (r == null || r.getDenominator() == 0) {
            return Double.NaN;
        }
        String ref = gps.getString(GpsDirectory.TAG_SPEED_REF);
        double factor = switch (ref == null ? "K" : ref.strip()) {
            case "M" -> 1609.344 / 3600; // mph
            case "N" -> 1852.0 / 3600;   // knots
            default -> 1000.0 / 3600;    // "K", km/h, the EXIF default
        };
        double mps = r.doubleValue() * factor;
        return mps >= 0 && Double.isFinite(mps) ? mps : Double.NaN;
    }
}
