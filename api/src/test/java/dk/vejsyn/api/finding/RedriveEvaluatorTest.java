package dk.vejsyn.api.finding;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.api.finding.RedriveEvaluator.Candidate;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which findings a drive had in view: no Spring, no database. */
class RedriveEvaluatorTest {

    static final CameraModel CAMERA = CameraModel.refuseTruckDashcam();

    final RedriveEvaluator evaluator = new RedriveEvaluator(25);

    /** A frame at {@link dk.vejsyn.api.Fixtures#ODENSE}, heading north, a day after {@code T0}. */
    static final GeoTag NORTH = new GeoTag(ODENSE.lat(), ODENSE.lon(), 0, 8, T0.plusSeconds(86_400), 3, Double.NaN);

    /** A finding last seen at {@code T0}, {@code metres} from the frame along {@code bearingDeg}. */
    private static Candidate at(long id, double bearingDeg, double metres) {
        LatLon p = Georeferencer.destination(ODENSE.lat(), ODENSE.lon(), bearingDeg, metres);
        return new Candidate(id, DamageType.POTHOLE, p.lat(), p.lon(), T0);
    }

    private List<Long> inView(List<GeoTag> frames, Candidate... candidates) {
        return evaluator.inView(frames, CAMERA, List.of(candidates)).stream().map(Candidate::id).toList();
    }

    @Test
    void theBlindZoneIsWhereTheRoadLeavesTheBottomOfTheImage() {
        // 2.4 m high, 11° down, 90° horizontal field of view at 1280x720: the bottom row looks 40.4° down.
        assertThat(RedriveEvaluator.blindZoneM(CAMERA)).isCloseTo(2.4 / Math.tan(Math.toRadians(11 + Math.toDegrees(Math.atan(360.0 / 640)))), within(1e-9));
        assertThat(RedriveEvaluator.blindZoneM(CAMERA)).isBetween(2.7, 2.9);
    }

    @Test
    void findingsAheadWithinRangeAreInViewAndThoseTooCloseOrTooFarAreNot() {
        assertThat(inView(List.of(NORTH), at(1, 0, 10), at(2, 0, 2), at(3, 0, 24.5), at(4, 0, 25.5), at(5, 180, 10)))
                .containsExactly(1L, 3L);
    }

    @Test
    void theFieldOfViewIsHalfTheCameraAngleEitherSideOfTheHeading() {
        assertThat(inView(List.of(NORTH), at(1, 40, 10), at(2, 320, 10), at(3, 50, 10), at(4, 310, 10)))
                .containsExactly(1L, 2L);
        GeoTag east = NORTH.withHeading(90);
        assertThat(inView(List.of(east), at(2, 130, 10), at(1, 100, 10), at(3, 0, 10))).containsExactly(2L, 1L);
    }

    @Test
    void framesBeforeTheFindingWasLastSeenOrWithoutHeadingSeeNothing() {
        assertThat(inView(List.of(NORTH.withTime(T0)), at(1, 0, 10))).isEmpty();
        assertThat(inView(List.of(NORTH.withHeading(Double.NaN)), at(1, 0, 10))).isEmpty();
    }

    @Test
    void aFindingSeenFromSeveralFramesCountsOnceInTheOrderGiven() {
        GeoTag later = NORTH.withTime(T0.plusSeconds(86_401));
        assertThat(inView(List.of(NORTH, later), at(2, 0, 12), at(1, 10, 8))).containsExactly(2L, 1L);
    }
}
