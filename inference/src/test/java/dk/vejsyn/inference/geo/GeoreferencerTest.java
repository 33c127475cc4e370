package dk.vejsyn.inference.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GeoreferencerTest {
    // Odense town hall square.
    private static final double LAT = 55.3959;
    private static final double LON = 10.3883;
    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");

    private static GeoTag heading(double deg) {
        return GeoTag.of(LAT, LON, T).withHeading(deg);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "90, 90", "180, 180", "270, 270"})
    void tenMetresAheadLiesAlongTheHeading(double heading, double expectedBearing) {
        LatLon p = Georeferencer.locate(heading(heading), new GroundPoint(10, 0));
        assertThat(Georeferencer.distanceM(LAT, LON, p.lat(), p.lon())).isCloseTo(10, within(0.01));
        double bearing = Georeferencer.bearingDeg(LAT, LON, p.lat(), p.lon());
        assertThat(Math.abs(((bearing - expectedBearing) + 540) % 360 - 180)).isLessThan(0.01);
    }

    @Test
    void northIsPlusLatitudeAndEastIsPlusLongitude() {
        LatLon north = Georeferencer.locate(heading(0), new GroundPoint(10, 0));
        assertThat(north.lat() - LAT).isCloseTo(10 / 111_300.0, within(2e-7));
        assertThat(north.lon()).isCloseTo(LON, within(1e-9));
        LatLon east = Georeferencer.locate(heading(90), new GroundPoint(10, 0));
        assertThat(east.lat()).isCloseTo(LAT, within(1e-6));
        assertThat(east.lon() - LON).isCloseTo(10 / (111_320.0 * Math.cos(Math.toRadians(LAT))), within(5e-7));
    }

    @Test
    void rightOfTheVehicleIsClockwiseFromTheHeading() {
        // Driving north, something 5 m to the right is east of the vehicle.
        LatLon p = Georeferencer.locate(heading(0), new GroundPoint(0, 5));
        assertThat(Georeferencer.bearingDeg(LAT, LON, p.lat(), p.lon())).isCloseTo(90, within(0.01));
        // Driving east, right is south.
        LatLon q = Georeferencer.locate(heading(90), new GroundPoint(0, 5));
        assertThat(Georeferencer.bearingDeg(LAT, LON, q.lat(), q.lon())).isCloseTo(180, within(0.01));
        // Driving south, 3 m ahead and 4 m right: 5 m away, bearing 180 + atan2(4, 3).
        LatLon r = Georeferencer.locate(heading(180), new GroundPoint(3, 4));
        assertThat(Georeferencer.distanceM(LAT, LON, r.lat(), r.lon())).isCloseTo(5, within(0.01));
        assertThat(Georeferencer.bearingDeg(LAT, LON, r.lat(), r.lon()))
                .isCloseTo(180 + Math.toDegrees(Math.atan2(4, 3)), within(0.01));
    }

    @Test
    void zeroOffsetIsTheVehiclePosition() {
        LatLon p = Georeferencer.locate(heading(42), new GroundPoint(0, 0));
        assertThat(p).isEqualTo(new LatLon(LAT, LON));
    }

    @Test
    void withoutHeadingThereIsNoDirection() {
        assertThatThrownBy(() -> Georeferencer.locate(GeoTag.of(LAT, LON, T), new GroundPoint(5, 0)))
                .hasMessageContaining("heading");
    }

    @Test
    void crossingTheAntimeridianStaysInRange() {
        LatLon p = Georeferencer.destination(0, 179.99999, 90, 100);
        assertThat(p.lon()).isBetween(-180.0, 180.0);
        assertThat(p.lon()).isLessThan(-179.99);
    }
}
