package dk.vejsyn.inference.geo;

import dk.vejsyn.inference.frame.GeoTag;
import net.sf.geographiclib.Geodesic;
import net.sf.geographiclib.GeodesicData;

/**
 * Places road points on the WGS84 ellipsoid: from the vehicle's position and heading and a
 * {@link GroundPoint} relative to the camera, the point's latitude and longitude. Uses the
 * geodesic direct problem (GeographicLib), so results hold to millimetres at any latitude.
 */
public final class Georeferencer {

    private Georeferencer() {}

    /**
     * Position of {@code ground} seen from a vehicle at {@code tag}.
     *
     * @throws IllegalArgumentException if the tag has no heading
     */
    public static LatLon locate(GeoTag tag, GroundPoint ground) {
        if (!tag.hasHeading()) {
            throw new IllegalArgumentException("cannot place a detection without a heading");
        }
        double distance = ground.distanceM();
        if (distance < 1e-9) {
            return new LatLon(tag.lat(), tag.lon());
        }
        double azimuth = tag.headingDeg() + Math.toDegrees(Math.atan2(ground.rightM(), ground.forwardM()));
        return destination(tag.lat(), tag.lon(), azimuth, distance);
    }

    /** The point {@code distanceM} metres from {@code (lat, lon)} along {@code azimuthDeg}. */
    public static LatLon destination(double lat, double lon, double azimuthDeg, double distanceM) {
        GeodesicData d = Geodesic.WGS84.Direct(lat, lon, azimuthDeg, distanceM);
        return new LatLon(d.lat2, normaliseLon(d.lon2));
    }

    /** Geodesic distance in metres between two positions. */
    public static double distanceM(double lat1, double lon1, double lat2, double lon2) {
        return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2).s12;
    }

    /** Initial bearing from the first position to the second, degrees clockwise from north in [0, 360). */
    public static double bearingDeg(double lat1, double lon1, double lat2, double lon2) {
        double azi = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2).azi1;
        return (azi % 360 + 360) % 360;
    }

    private static double normaliseLon(double lon) {
        double l = ((lon + 180) % 360 + 360) % 360 - 180;
        return l == -180 && lon > 0 ? 180 : l;
    }
}
