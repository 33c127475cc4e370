package dk.vejsyn.api.geo;

import dk.vejsyn.api.error.ApiException;
import java.util.List;

/** A WGS84 bounding box in degrees, lon/lat order as in GeoJSON and OGC API ({@code minLon,minLat,maxLon,maxLat}). */
public record Bbox(double minLon, double minLat, double maxLon, double maxLat) {

    /** Parses {@code "minLon,minLat,maxLon,maxLat"}; a 400 {@code invalid-bbox} problem when malformed or out of range. */
    public static Bbox parse(String s) {
        String[] parts = s.split(",");
        if (parts.length != 4) {
            throw ApiException.invalidBbox("bbox must be minLon,minLat,maxLon,maxLat (4 numbers), got '" + s + "'");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalidBbox("bbox value '" + parts[i] + "' is not a number");
            }
        }
        return of(List.of(v[0], v[1], v[2], v[3]));
    }

    public static Bbox of(List<Double> v) {
        if (v == null || v.size() != 4) {
            throw ApiException.invalidBbox("bbox must have 4 numbers: minLon, minLat, maxLon, maxLat");
        }
        double minLon = v.get(0), minLat = v.get(1), maxLon = v.get(2), maxLat = v.get(3);
        for (double d : new double[] {minLon, minLat, maxLon, maxLat}) {
            if (!Double.isFinite(d)) {
                throw ApiException.invalidBbox("bbox values must be finite numbers");
            }
        }
        if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
            throw ApiException.invalidBbox("bbox out of range: longitudes must lie in [-180, 180], latitudes in [-90, 90]");
        }
        if (minLon > maxLon || minLat > maxLat) {
            throw ApiException.invalidBbox("bbox minimum exceeds maximum: " + v);
        }
        return new Bbox(minLon, minLat, maxLon, maxLat);
    }
}
