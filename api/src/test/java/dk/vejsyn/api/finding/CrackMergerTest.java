package dk.vejsyn.api.finding;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.pothole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.api.config.FindingProperties;
import dk.vejsyn.api.config.FindingProperties.CrackMerge;
import dk.vejsyn.api.finding.FindingMerger.NewObservation;
import dk.vejsyn.api.finding.FindingMerger.Outcome;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge rule for cracks on its own: the along-road ellipse, the crack family, a crack's size and severity. */
class CrackMergerTest {

    static final FindingProperties.Severity SEVERITY = new FindingProperties.Severity(List.of(0.05, 0.15, 0.4, 1.0), 3, 1, 5);
    static final CrackMerge ELLIPSE = new CrackMerge(6.0, 3.0);

    final FindingMerger merger = new FindingMerger(3.0, ELLIPSE, SEVERITY);

    /**
     * A crack at {@code at} seen from a vehicle 8 m behind it driving at {@code headingDeg}, with a
     * footprint {@code widthM} across and a length of {@code lengthM}.
     */
    static Observation crack(DamageType type, LatLon at, double headingDeg, float score, long frame, double widthM,
            double lengthM) {
        LatLon vehicle = Georeferencer.destination(at.lat(), at.lon(), headingDeg + 180, 8);
        GeoTag tag = new GeoTag(vehicle.lat(), vehicle.lon(), headingDeg, 8, T0.plusSeconds(frame), 3, Double.NaN);
        return new Observation(type, score, at, 8, widthM, lengthM, Math.PI / 4 * widthM * Math.min(widthM, lengthM), tag,
                "drive.mp4", frame, new PixelBox(600, 400 + frame, 680, 540), null);
    }

    static Observation crack(LatLon at, long frame) {
        return crack(DamageType.CRACK, at, 0, 0.6f, frame, 0.3, 2.0);
    }

    private static List<NewObservation> numbered(Observation... observations) {
        List<NewObservation> out = new ArrayList<>();
        for (int i = 0; i < observations.length; i++) {
            out.add(new NewObservation(101 + i, observations[i]));
        }
        return out;
    }

    private static MergingFinding stored(long id, DamageType type, LatLon at, Map<DamageType, Double> weights) {
        return MergingFinding.of(new MergingFinding.Stored(id, type, FindingStatus.OPEN, 1.0, at.lat(), at.lon(), 0.5, 0.3,
                2.0, 1, T0.minusSeconds(86_400), T0.minusSeconds(86_400), 0.6f, 1L, null, weights));
    }

    private Outcome merge(List<MergingFinding> nearby, Observation... observations) {
        return merger.merge(numbered(observations), nearby);
    }

    @Test
    void aCrackJoinsAlongTheRoadFartherThanAPotholeWould() {
        // Northbound: 5.5 m ahead is inside the 6 m along-road reach; a pothole's 3 m radius would not take it.
        Outcome r = merge(List.of(), crack(ODENSE, 1), crack(offset(ODENSE, 5.5, 0), 2));
        assertThat(r.created()).hasSize(1);
        assertThat(r.findingOf()).containsOnly(r.created().get(0));

        Outcome potholes = merge(List.of(), pothole(ODENSE, 0.6f, 1), pothole(offset(ODENSE, 5.5, 0), 0.6f, 2));
        assertThat(potholes.created()).hasSize(2);
    }

    @Test
    void acrossTheRoadACrackReachesNoFartherThanAPothole() {
        Outcome r = merge(List.of(), crack(ODENSE, 1), crack(offset(ODENSE, 0, 3.5), 2));
        assertThat(r.created()).hasSize(2);
        Outcome within = merge(List.of(), crack(ODENSE, 1), crack(offset(ODENSE, 0, 2.5), 2));
        assertThat(within.created()).hasSize(1);
    }

    @Test
    void theEllipseFollowsTheVehiclesHeading() {
        // Eastbound, "along the road" is east: 5.5 m east joins, 5.5 m north does not.
        Observation first = crack(DamageType.CRACK, ODENSE, 90, 0.6f, 1, 0.3, 2.0);
        assertThat(merge(List.of(), first, crack(DamageType.CRACK, offset(ODENSE, 0, 5.5), 90, 0.6f, 2, 0.3, 2.0))
                .created()).hasSize(1);
        assertThat(merge(List.of(), first, crack(DamageType.CRACK, offset(ODENSE, 5.5, 0), 90, 0.6f, 2, 0.3, 2.0))
                .created()).hasSize(2);
        // A diagonal road (heading 45°): 5 m along it (3.54 m north, 3.54 m east) joins.
        Observation diag = crack(DamageType.CRACK, ODENSE, 45, 0.6f, 1, 0.3, 2.0);
        assertThat(merge(List.of(), diag, crack(DamageType.CRACK, offset(ODENSE, 3.54, 3.54), 45, 0.6f, 2, 0.3, 2.0))
                .created()).hasSize(1);
        assertThat(merge(List.of(), diag, crack(DamageType.CRACK, offset(ODENSE, 3.54, -3.54), 45, 0.6f, 2, 0.3, 2.0))
                .created()).as("5 m across the diagonal road").hasSize(2);
    }

    @Test
    void theEllipsesEdgeIsInclusive() {
        MergingFinding f = stored(7, DamageType.CRACK, ODENSE, Map.of());
        LatLon at = offset(ODENSE, -4.0, 0);
        double d = FlatEarth.distanceM(ODENSE.lat(), ODENSE.lon(), at.lat(), at.lon());
        Outcome onTheEdge = new FindingMerger(3.0, new CrackMerge(d, 3.0), SEVERITY).merge(numbered(crack(at, 1)), List.of(f));
        assertThat(onTheEdge.updated()).containsExactly(f);

        MergingFinding g = stored(8, DamageType.CRACK, ODENSE, Map.of());
        Outcome beyond = new FindingMerger(3.0, new CrackMerge(Math.nextDown(d) - 1e-9, 3.0), SEVERITY)
                .merge(numbered(crack(at, 1)), List.of(g));
        assertThat(beyond.updated()).isEmpty();
        assertThat(beyond.created()).hasSize(1);
    }

    @Test
    void crackKindsMergeWithinTheFamilyAndTheFindingTakesTheKindWithTheMostWeight() {
        Outcome r = merge(List.of(),
                crack(DamageType.LONGITUDINAL_CRACK, ODENSE, 0, 0.5f, 1, 0.3, 2.0),
                crack(DamageType.CRACK, offset(ODENSE, 2, 0), 0, 0.9f, 2, 0.3, 2.0),
                crack(DamageType.TRANSVERSE_CRACK, offset(ODENSE, 3, 0), 0, 0.4f, 3, 0.3, 2.0),
                crack(DamageType.LONGITUDINAL_CRACK, offset(ODENSE, 4, 0), 0, 0.3f, 4, 0.3, 2.0));
        assertThat(r.created()).hasSize(1);
        MergingFinding f = r.created().get(0);
        assertThat(f.observationCount()).isEqualTo(4);
        // Longitudinal 0.8 beats transverse 0.4; the untyped 0.9 does not vote against a told kind.
        assertThat(f.type()).isEqualTo(DamageType.LONGITUDINAL_CRACK);
        assertThat(f.typeWeights()).containsEntry(DamageType.CRACK, (double) 0.9f);
    }

    @Test
    void aCrackNoFrameCouldTypeStaysCrackUntilOneCan() {
        MergingFinding f = stored(7, DamageType.CRACK, ODENSE, Map.of(DamageType.CRACK, 1.0));
        merge(List.of(f), crack(offset(ODENSE, 1, 0), 1));
        assertThat(f.type()).isEqualTo(DamageType.CRACK);
        Outcome r = merge(List.of(f), crack(DamageType.ALLIGATOR_CRACK, offset(ODENSE, 1, 0), 0, 0.2f, 2, 1.5, 1.5));
        assertThat(r.updated()).containsExactly(f);
        assertThat(f.type()).isEqualTo(DamageType.ALLIGATOR_CRACK);
        assertThat(f.storedType()).isEqualTo(DamageType.CRACK);
    }

    @Test
    void aStoredFindingWithoutTypeWeightsCountsItsWeightForItsType() {
        MergingFinding f = stored(7, DamageType.TRANSVERSE_CRACK, ODENSE, Map.of());
        merge(List.of(f), crack(DamageType.LONGITUDINAL_CRACK, offset(ODENSE, 1, 0), 0, 0.5f, 1, 0.3, 2.0));
        assertThat(f.type()).as("stored weight 1.0 for transverse against 0.5").isEqualTo(DamageType.TRANSVERSE_CRACK);
    }

    @Test
    void potholesAndCracksNeverMerge() {
        MergingFinding hole = stored(7, DamageType.POTHOLE, ODENSE, Map.of());
        Outcome r = merge(List.of(hole), crack(offset(ODENSE, 0.5, 0), 1));
        assertThat(r.updated()).isEmpty();
        assertThat(r.created()).extracting(MergingFinding::type).containsExactly(DamageType.CRACK);
    }

    @Test
    void aCracksSizeIsItsLengthAndItsSeverityFollowsTheLength() {
        // Score-weighted mean length (0.6 × 2.0 + 0.6 × 4.0) / 1.2 = 3 m: severity 3 (1 + thresholds 1 and 2.5 m).
        Outcome r = merge(List.of(), crack(DamageType.LONGITUDINAL_CRACK, ODENSE, 0, 0.6f, 1, 0.3, 2.0),
                crack(DamageType.LONGITUDINAL_CRACK, offset(ODENSE, 3, 0), 0, 0.6f, 2, 0.3, 4.0));
        MergingFinding f = r.created().get(0);
        assertThat(f.lengthM()).isCloseTo(3.0, within(1e-6));
        assertThat(f.severity()).isEqualTo(3);

        MergingFinding shortOne = merge(List.of(), crack(DamageType.TRANSVERSE_CRACK, ODENSE, 0, 0.6f, 1, 0.8, 0.8))
                .created().get(0);
        assertThat(shortOne.severity()).isEqualTo(1);
    }

    @Test
    void alligatorCrackingIsGradedByItsArea() {
        FindingProperties.Severity rule = SEVERITY;
        assertThat(rule.of(DamageType.ALLIGATOR_CRACK, 1.6, 1.5, 1)).isEqualTo(3);   // 0.5 and 1.5 m² reached
        assertThat(rule.of(DamageType.ALLIGATOR_CRACK, 6.0, 3.0, 3)).isEqualTo(5);   // capped
        assertThat(rule.of(DamageType.LONGITUDINAL_CRACK, 0.1, 10.0, 1)).isEqualTo(5);
        assertThat(rule.of(DamageType.CRACK, 0.1, 0.99, 1)).isEqualTo(1);
        assertThat(rule.of(DamageType.POTHOLE, 0.1, 10.0, 1)).isEqualTo(rule.of(0.1, 1));
    }

    @Test
    void theLockCellMustCoverTheCrackReach() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new FindingProperties(3, 5, 2, 25, SEVERITY, new CrackMerge(6, 3)))
                .hasMessageContaining("crack-merge");
        assertThat(new FindingProperties(3, 25, 2, 25, SEVERITY, new CrackMerge(6, 3)).maxMergeReachM()).isEqualTo(6.0);
    }

    @Test
    void crackKindsShareLockCellsAndPotholesKeepTheirs() {
        CellLocks locks = new CellLocks(25);
        assertThat(locks.keys(1, List.of(new CellLocks.Point(DamageType.LONGITUDINAL_CRACK, 55.39, 10.39))))
                .isEqualTo(locks.keys(1, List.of(new CellLocks.Point(DamageType.CRACK, 55.39, 10.39))));
        assertThat(locks.keys(1, List.of(new CellLocks.Point(DamageType.POTHOLE, 55.39, 10.39))))
                .doesNotContainAnyElementsOf(locks.keys(1, List.of(new CellLocks.Point(DamageType.CRACK, 55.39, 10.39))));
        // The pothole's keys are those of before cracks (type ordinal 0).
        assertThat(locks.keys(1, List.of(new CellLocks.Point(DamageType.POTHOLE, 55.39, 10.39))))
                .contains(CellLocks.key(1, 0, (long) Math.floor(10.39 / (25 / FlatEarth.M_PER_DEG)),
                        (long) Math.floor(55.39 / (25 / FlatEarth.M_PER_DEG))));
    }
}
