package dk.vejsyn.inference.geo;

/** A WGS84 position in degrees. (Named so as not to clash with JTS's and DJL's {@code Point}.) */
public record LatLon(double lat, double lon) {
    public LatLon {
        if (!Double.isFinite(lat) || lat < -90 || lat > 90) {
            throw new IllegalArgumentException("latitude out of range [-90, 90]: " + lat);
        }
        if (!Double.isFinite(lon) || lon < -180 || lon > 180) {
            throw new IllegalArgumentException("longitude out of range [-180, 180]: " + lon);
        }
    }
}
