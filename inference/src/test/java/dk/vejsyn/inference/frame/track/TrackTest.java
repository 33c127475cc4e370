package dk.vejsyn.inference.frame.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.Fixtures;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TrackTest {
    static final Instant T0 = Fixtures.T0;

    @Test
    void interpolatesPositionLinearlyBetweenFixes() {
        Track track = new Track("t", Fixtures.straightDrive(0, 10, 3, 1));
        GeoTag mid = track.at(T0.plusMillis(1500));
        assertThat(Georeferencer.distanceM(Fixtures.LAT, Fixtures.LON, mid.lat(), mid.lon())).isCloseTo(15, offset(1e-6));
        assertThat(mid.time()).isEqualTo(T0.plusMillis(1500));
        assertThat(mid.speedMps()).isCloseTo(10, offset(1e-6)); // derived: the track has no speeds
        assertThat(track.at(T0).lat()).isEqualTo(Fixtures.LAT);
        assertThat(track.at(track.end()).lat()).isEqualTo(track.fixes().get(2).lat());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 90, 180, 270})
    void derivesHeadingFromMovementAtTheCardinalPoints(double bearing) {
        Track track = new Track("t", Fixtures.straightDrive(bearing, 5, 5, 1));
        for (GeoTag fix : track.fixes()) {
            assertThat(angleBetween(fix.headingDeg(), bearing)).isLessThan(0.01);
        }
        assertThat(angleBetween(track.at(T0.plusMillis(2300)).headingDeg(), bearing)).isLessThan(0.01);
    }

    @Test
    void interpolatesGivenHeadingsTheShortWayRound() {
        List<GeoTag> fixes = List.of(
                new GeoTag(Fixtures.LAT, Fixtures.LON, 350, 5, T0, Double.NaN, Double.NaN),
                new GeoTag(Fixtures.LAT + 0.0001, Fixtures.LON, 10, 7, T0.plusSeconds(2), Double.NaN, Double.NaN));
        Track track = new Track("t", fixes);
        assertThat(track.at(T0.plusSeconds(1)).headingDeg()).isCloseTo(0, offset(1e-9));
        assertThat(track.at(T0.plusMillis(500)).headingDeg()).isCloseTo(355, offset(1e-9));
        assertThat(track.at(T0.plusSeconds(1)).speedMps()).isCloseTo(6, offset(1e-9)); // given speeds: linear
        assertThat(Track.interpolateHeading(90, 270, 0.25)).isCloseTo(45, offset(1e-9)); // ties go anticlockwise
    }

    @Test
    void jitterAtAStandstillDoesNotTurnIntoRandomHeadings() {
        // Drive east 20 m, then stand 10 s with 0.5 m of GPS scatter, then drive east again.
        List<GeoTag> fixes = new ArrayList<>(Fixtures.straightDrive(90, 5, 5, 1)); // 0..20 m, t 0..4 s
        LatLon stop = Georeferencer.destination(Fixtures.LAT, Fixtures.LON, 90, 20);
        double[] scatter = {0, 180, 45, 300, 120, 10, 250, 200, 80, 330};
        for (int i = 0; i < scatter.length; i++) {
            LatLon p = Georeferencer.destination(stop.lat(), stop.lon(), scatter[i], 0.5);
            fixes.add(GeoTag.of(p.lat(), p.lon(), T0.plusSeconds(5 + i)));
        }
        for (int i = 1; i <= 4; i++) {
            LatLon p = Georeferencer.destination(stop.lat(), stop.lon(), 90, 5 * i);
            fixes.add(GeoTag.of(p.lat(), p.lon(), T0.plusSeconds(14 + i)));
        }
        Track track = new Track("t", fixes);
        for (GeoTag fix : track.fixes()) {
            assertThat(angleBetween(fix.headingDeg(), 90)).as("heading at %s", fix.time()).isLessThan(20);
        }
    }

    @Test
    void aTrackThatNeverMovesHasNoHeading() {
        Track track = new Track("t", Fixtures.straightDrive(0, 0.1, 5, 1));
        assertThat(track.fixes()).allSatisfy(f -> assertThat(f.hasHeading()).isFalse());
    }

    @Test
    void sortsByTimeAndDropsDuplicateFixes() {
        List<GeoTag> fixes = new ArrayList<>(Fixtures.straightDrive(0, 10, 4, 1));
        fixes.add(fixes.get(2));
        fixes.add(fixes.get(0));
        java.util.Collections.reverse(fixes);
        Track track = new Track("t", fixes);
        assertThat(track.fixes()).extracting(GeoTag::time)
                .containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3));
        assertThat(track.start()).isEqualTo(T0);
        assertThat(track.end()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void coversOnlyItsTimeSpan() {
        Track track = new Track("t", Fixtures.straightDrive(0, 10, 3, 1));
        assertThat(track.covers(T0)).isTrue();
        assertThat(track.covers(T0.plusSeconds(2))).isTrue();
        assertThat(track.covers(T0.minusMillis(1))).isFalse();
        assertThat(track.covers(T0.plusMillis(2001))).isFalse();
        assertThatThrownBy(() -> track.at(T0.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsFewerThanTwoFixes() {
        GeoTag one = GeoTag.of(Fixtures.LAT, Fixtures.LON, T0);
        assertThatThrownBy(() -> new Track("drive.gpx", List.of(one, one)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("drive.gpx")
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> new Track("drive.gpx", List.of())).isInstanceOf(InputException.class);
    }

    static double angleBetween(double a, double b) {
        double d = Math.abs(((a - b) % 360 + 360) % 360);
        return Math.min(d, 360 - d);
    }
}
