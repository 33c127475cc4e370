package dk.vejsyn.inference.frame.track;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A vehicle's GPS track: fixes ordered by time, and the vehicle's position, heading and speed at
 * any instant between the first and the last fix.
 *
 * <p>On construction fixes are sorted by time and exact duplicates dropped (loggers that write
 * RMC and GGA, or merged files, repeat fixes). Of several different fixes with the same time the
 * first is kept, because interpolation needs strictly increasing times. Missing headings are
 * derived from movement over at least {@code minHeadingTravelM} metres (see {@link Headings}).
 * Where a fix has no speed, the speed at an instant is the mean speed of the segment between the
 * surrounding fixes: that is 0 between two fixes at a standstill, which is what sampling needs.
 *
 * <p>Immutable and thread-safe.
 */
public final class Track {
    private final String source;
    private final List<GeoTag> fixes;

    /**
     * @param source the file (or other origin) for messages
     * @throws InputException if fewer than two fixes with distinct times remain
     */
    public Track(String source, Collection<GeoTag> fixes, double minHeadingTravelM) {
        this.source = Objects.requireNonNull(source, "source");
        List<GeoTag> sorted = new ArrayList<>(fixes);
        sorted.sort(Comparator.comparing(GeoTag::time)); // stable: the first of equal times stays first
        List<GeoTag> distinct = new ArrayList<>(sorted.size());
        for (GeoTag fix : sorted) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).time().equals(fix.time())) {
                distinct.add(fix);
            }
        }
        if (distinct.size() < 2) {
            throw new InputException(source + ": a track needs at least 2 GPS fixes with different times, found "
                    + distinct.size());
        }
        this.fixes = List.copyOf(Headings.fillFromMovement(distinct, minHeadingTravelM));
    }

    /** A track with the default 2 m heading window. */
    public Track(String source, Collection<GeoTag> fixes) {
        this(source, fixes, 2.0);
    }

    public String source() {
        return source;
    }

    /** The fixes after sorting, de-duplication and heading filling. */
    public List<GeoTag> fixes() {
        return fixes;
    }

    public Instant start() {
        return fixes.get(0).time();
    }

    public Instant end() {
        return fixes.get(fixes.size() - 1).time();
    }

    /** Whether {@code time} lies within [start, end]. */
    public boolean covers(Instant time) {
        return !time.isBefore(start()) && !time.isAfter(end());
    }

    /**
     * The vehicle at {@code time}: position along the geodesic between the surrounding fixes,
     * heading interpolated the short way round the circle (350° to 10° passes 0°), speed,
     * altitude and accuracy linear.
     *
     * @throws IllegalArgumentException if the track does not {@link #covers cover} {@code time}
     */
    public GeoTag at(Instant time) {
        if (!covers(time)) {
            throw new IllegalArgumentException(time + " is outside the track " + start() + " .. " + end());
        }
        int i = Math.min(segmentIndex(time), fixes.size() - 2);
        GeoTag a = fixes.get(i);
        GeoTag b = fixes.get(i + 1);
        double f = fraction(a.time(), b.time(), time);
        double distance = Georeferencer.distanceM(a.lat(), a.lon(), b.lat(), b.lon());
        LatLon p = distance == 0 || f == 0
                ? new LatLon(a.lat(), a.lon())
                : f == 1 ? new LatLon(b.lat(), b.lon())
                : Georeferencer.destination(a.lat(), a.lon(),
                        Georeferencer.bearingDeg(a.lat(), a.lon(), b.lat(), b.lon()), f * distance);
        return new GeoTag(p.lat(), p.lon(),
                interpolateHeading(a.headingDeg(), b.headingDeg(), f),
                Double.isNaN(a.speedMps()) || Double.isNaN(b.speedMps())
                        ? Headings.segmentSpeed(a, b)
                        : lerp(a.speedMps(), b.speedMps(), f),
                time,
                lerp(a.accuracyM(), b.accuracyM(), f),
                lerp(a.altitudeM(), b.altitudeM(), f));
    }

    public Duration duration() {
        return Duration.between(start(), end());
    }

    @Override
    public String toString() {
        return "Track[" + source + ", " + fixes.size() + " fixes, " + start() + " .. " + end() + "]";
    }

    /** Index of the last fix at or before {@code time}. */
    private int segmentIndex(Instant time) {
        int lo = 0;
        int hi = fixes.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fixes.get(mid).time().isAfter(time)) {
                hi = mid - 1;
            } else {
                lo = mid;
            }
        }
        return lo;
    }

    private static double fraction(Instant a, Instant b, Instant t) {
        double span = Duration.between(a, b).toNanos();
        return Duration.between(a, t).toNanos() / span;
    }

    /** Linear, or whichever side is known when the other is NaN. */
    private static double lerp(double a, double b, double f) {
        if (Double.isNaN(a)) {
            return b;
        }
        if (Double.isNaN(b)) {
            return a;
        }
        return a + (b - a) * f;
    }

    /** Along the shorter arc; NaN only when both are unknown. */
    static double interpolateHeading(double a, double b, double f) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) ? b : a;
        }
        double delta = ((b - a) % 360 + 540) % 360 - 180; // in [-180, 180)
        return ((a + f * delta) % 360 + 360) % 360;
    }
}
