package dk.vejsyn.inference.frame.track;

import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Georeferencer;
import java.util.ArrayList;
import java.util.List;

/**
 * Heading and speed from movement, for tracks and image series whose fixes carry none.
 *
 * <p>A heading is only meaningful once the vehicle has moved further than the GPS scatters: two
 * fixes 0.3 m apart at a red light point anywhere. So for each fix we widen a window of
 * neighbours (forward first, then backward, alternately) until its ends are at least
 * {@code minTravelM} apart and take the bearing from the window's first to its last position.
 * At a stop inside a drive that gives the bearing from the approach to the departure, which is
 * the road's direction; a series that never moves that far gets no heading ({@code NaN}).
 */
public final class Headings {

    private Headings() {}

    /**
     * {@code fixes} (sorted by time) with every missing heading derived from movement; fixes that
     * already have a heading keep it.
     */
    public static List<GeoTag> fillFromMovement(List<GeoTag> fixes, double minTravelM) {
        List<GeoTag> out = new ArrayList<>(fixes.size());
        for (int i = 0; i < fixes.size(); i++) {
            GeoTag fix = fixes.get(i);
            out.add(fix.hasHeading() ? fix : fix.withHeading(derive(fixes, i, minTravelM)));
        }
        return out;
    }

    /**
     * {@code fixes} (sorted by time, distinct times) with every missing speed set to the mean
     * speed since the previous fix (for the first fix: until the next one). Used for image
     * series; a {@link Track} computes speed per segment instead.
     */
    public static List<GeoTag> fillSpeed(List<GeoTag> fixes) {
        List<GeoTag> out = new ArrayList<>(fixes.size());
        for (int i = 0; i < fixes.size(); i++) {
            GeoTag fix = fixes.get(i);
            if (!Double.isNaN(fix.speedMps()) || fixes.size() < 2) {
                out.add(fix);
            } else if (i == 0) {
                out.add(fix.withSpeed(segmentSpeed(fix, fixes.get(1))));
            } else {
                out.add(fix.withSpeed(segmentSpeed(fixes.get(i - 1), fix)));
            }
        }
        return out;
    }

    /** Mean speed between two fixes in m/s; 0 when they share a time. */
    static double segmentSpeed(GeoTag a, GeoTag b) {
        double seconds = java.time.Duration.between(a.time(), b.time()).toNanos() / 1e9;
        if (seconds <= 0) {
            return 0;
        }
        return Georeferencer.distanceM(a.lat(), a.lon(), b.lat(), b.lon()) / seconds;
    }

    private static double derive(List<GeoTag> fixes, int i, double minTravelM) {
        int from = i;
        int to = i;
        boolean forward = true;
        while (from > 0 || to < fixes.size() - 1) {
            if ((forward && to < fixes.size() - 1) || from == 0) {
                to++;
            } else {
                from--;
            }
            forward = !forward;
            GeoTag a = fixes.get(from);
            GeoTag b = fixes.get(to);
            if (Georeferencer.distanceM(a.lat(), a.lon(), b.lat(), b.lon()) >= minTravelM) {
                return Georeferencer.bearingDeg(a.lat(), a.lon(), b.lat(), b.lon());
            }
        }
        return Double.NaN;
    }
}
