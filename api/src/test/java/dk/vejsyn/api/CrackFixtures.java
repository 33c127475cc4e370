package dk.vejsyn.api;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import java.time.Instant;

/**
 * Crack observations made by code, fed straight to the store: no test of the product's crack
 * handling depends on what the shipped model detects.
 */
public final class CrackFixtures {

    private CrackFixtures() {}

    /**
     * A crack of {@code type} at {@code at}, seen from a vehicle 8 m behind it driving at
     * {@code headingDeg}, {@code widthM} across the road and {@code lengthM} long (as the locator
     * reports a crack: its length the longer extent), captured at {@code time}.
     */
    public static Observation crack(DamageType type, LatLon at, double headingDeg, float score, long frame,
            double widthM, double lengthM, String source, Instant time, byte[] evidence) {
        LatLon vehicle = Georeferencer.destination(at.lat(), at.lon(), headingDeg + 180, 8);
        GeoTag tag = new GeoTag(vehicle.lat(), vehicle.lon(), headingDeg, 8, time, 3, Double.NaN);
        double along = type == DamageType.TRANSVERSE_CRACK ? Math.min(widthM, lengthM) : lengthM;
        return new Observation(type, score, at, 8, widthM, lengthM, Math.PI / 4 * widthM * along, tag, source, frame,
                new PixelBox(600, 400, 680, 540), evidence);
    }

    /** A northbound longitudinal crack, 0.3 m wide and {@code lengthM} long, with evidence. */
    public static Observation longitudinal(LatLon at, float score, long frame, double lengthM) {
        return crack(DamageType.LONGITUDINAL_CRACK, at, 0, score, frame, 0.3, lengthM, "drive.mp4",
                Fixtures.T0.plusSeconds(frame), Fixtures.JPEG);
    }
}
