package dk.vejsyn.inference.render;

import dk.vejsyn.inference.geo.LatLon;
import java.util.List;
import net.sf.geographiclib.Geodesic;
import net.sf.geographiclib.GeodesicData;

/**
 * A route's waypoints as geodesic segments, mapping road coordinates to WGS84: {@code s} metres
 * along the route from the first waypoint and {@code d} metres to the right of it.
 *
 * <p>A point {@code (s, d)} lies {@code d} metres at right angles from the route point at
 * {@code s}, and the heading there is the segment's geodesic azimuth. The renderer draws each
 * frame as if the road ran straight on along the vehicle's current segment, so rendered pixels
 * and these positions agree exactly on straight routes and drift by about {@code F^2 / (2 R)}
 * (F ahead, R the bend's radius) after a bend: keep routes straight or gently curved.
 */
public final class RoutePath {
    private final double[] lat;
    private final double[] lon;
    private final double[] azimuth;
    private final double[] startS;
    private final double length;

    public RoutePath(List<RouteSpec.Waypoint> waypoints) {
        int n = waypoints.size();
        if (n < 2) {
            throw new IllegalArgumentException("a route needs at least two waypoints");
        }
        lat = new double[n];
        lon = new double[n];
        azimuth = new double[n - 1];
        startS = new double[n];
        for (int i = 0; i < n; i++) {
            lat[i] = waypoints.get(i).lat();
            lon[i] = waypoints.get(i).lon();
        }
        for (int i = 0; i < n - 1; i++) {
            GeodesicData g = Geodesic.WGS84.Inverse(lat[i], lon[i], lat[i + 1], lon[i + 1]);
            if (g.s12 < 1) {
                throw new IllegalArgumentException("waypoints " + i + " and " + (i + 1) + " are less than 1 m apart");
            }
            azimuth[i] = g.azi1;
            startS[i + 1] = startS[i] + g.s12;
        }
        length = startS[n - 1];
    }

    /** Route length in metres. */
    public double lengthM() {
        return length;
    }

    private int segment(double s) {
        for (int i = azimuth.length - 1; i > 0; i--) {
            if (s >= startS[i]) {
                return i;
            }
        }
        return 0;
    }

    /** Position and heading of road point {@code (s, d)}: {@code {lat, lon, headingDeg}}. */
    public double[] pose(double s, double d) {
        int i = segment(s);
        GeodesicData on = Geodesic.WGS84.Direct(lat[i], lon[i], azimuth[i], s - startS[i]);
        double heading = on.azi2;
        double la = on.lat2;
        double lo = on.lon2;
        if (d != 0) {
            GeodesicData off = Geodesic.WGS84.Direct(la, lo, heading + 90, d);
            la = off.lat2;
            lo = off.lon2;
        }
        return new double[] {la, lo, ((heading % 360) + 360) % 360};
    }

    /** Position of road point {@code (s, d)}. */
    public LatLon locate(double s, double d) {
        double[] p = pose(s, d);
        return new LatLon(p[0], p[1]);
    }
}
