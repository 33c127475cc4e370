package dk.vejsyn.api.finding;

/**
 * The store's short-range geometry: distances and bearings over a few tens of metres on a local
 * plane (equirectangular, {@value #M_PER_DEG} m per degree of latitude), and envelope sizes in
 * degrees for index probes.
 *
 * <p>Why not {@link dk.vejsyn.inference.geo.Georeferencer}'s geodesics: merging and re-drive
 * decisions compare these distances against thresholds (merge radius, trusted range, blind zone),
 * and the stored findings were merged with this plane. On the WGS84 ellipsoid at Danish latitudes
 * it reads east-west distances about 0.25 % short (some 7 mm at the 3 m merge radius, 6 cm at
 * the 25 m re-drive range), so switching would move decisions at the thresholds and change
 * results; it is kept, in this one place, so that behaviour stays as it was. The same constant
 * sizes the advisory-lock grid ({@link CellLocks}), which all writers must compute alike.
 */
final class FlatEarth {

    /** Metres per degree of latitude (and of longitude at the equator) on the local plane. */
    static final double M_PER_DEG = 111_320.0;

    private FlatEarth() {}

    /** Distance in metres between two nearby positions. */
    static double distanceM(double lat1, double lon1, double lat2, double lon2) {
        double dy = (lat2 - lat1) * M_PER_DEG;
        double dx = (lon2 - lon1) * M_PER_DEG * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        return Math.sqrt(dx * dx + dy * dy);
    }

    /** The second position relative to the first: {north, east} in metres. */
    static double[] offsetM(double lat1, double lon1, double lat2, double lon2) {
        double dy = (lat2 - lat1) * M_PER_DEG;
        double dx = (lon2 - lon1) * M_PER_DEG * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        return new double[] {dy, dx};
    }

    /** Bearing from the first position to the second, degrees clockwise from north in [0, 360). */
    static double bearingDeg(double lat1, double lon1, double lat2, double lon2) {
        double dy = (lat2 - lat1) * M_PER_DEG;
        double dx = (lon2 - lon1) * M_PER_DEG * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        return (Math.toDegrees(Math.atan2(dx, dy)) + 360) % 360;
    }

    /**
     * Degrees to expand an envelope by so that it covers {@code metres} on both axes up to latitude
     * {@code lat}: generous (never less than the metres asked for), as index probes need.
     */
    static double expandDeg(double metres, double lat) {
        return metres / (M_PER_DEG * Math.max(0.05, Math.cos(Math.toRadians(Math.min(89, lat)))));
    }
}
