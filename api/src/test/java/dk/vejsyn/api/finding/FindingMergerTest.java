package dk.vejsyn.api.finding;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.pothole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.api.config.FindingProperties;
import dk.vejsyn.api.finding.FindingMerger.NewObservation;
import dk.vejsyn.api.finding.FindingMerger.Outcome;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge rule on its own: no Spring, no database. */
class FindingMergerTest {

    static final FindingProperties.Severity SEVERITY = new FindingProperties.Severity(List.of(0.05, 0.15, 0.4, 1.0), 3, 1, 5);
    static final double RADIUS_M = 3.0;

    final FindingMerger merger = new FindingMerger(RADIUS_M, SEVERITY);

    /** Observations numbered 101, 102, … in the order given. */
    private static List<NewObservation> numbered(Observation... observations) {
        List<NewObservation> out = new ArrayList<>();
        for (int i = 0; i < observations.length; i++) {
            out.add(new NewObservation(101 + i, observations[i]));
        }
        return out;
    }

    /** A stored finding of one observation (score 1, 0.1 m², evidence of observation 1) at {@code at}. */
    private static MergingFinding stored(long id, DamageType type, FindingStatus status, LatLon at) {
        return MergingFinding.of(new MergingFinding.Stored(id, type, status, 1.0, at.lat(), at.lon(), 0.1, 0.36, 0.36,
                1, T0.minusSeconds(86_400), T0.minusSeconds(86_400), 1.0f, 1L, 1.0f));
    }

    private Outcome merge(List<MergingFinding> nearby, Observation... observations) {
        return merger.merge(numbered(observations), nearby);
    }

    @Test
    void severalObservationsOfOnePotholeInOneBatchStartOneFindingAtTheirScoreWeightedMean() {
        Outcome r = merge(List.of(), pothole(ODENSE, 0.9f, 1), pothole(offset(ODENSE, 2, 0), 0.3f, 2),
                pothole(offset(ODENSE, 1, 1), 0.6f, 3));

        assertThat(r.created()).hasSize(1);
        assertThat(r.updated()).isEmpty();
        MergingFinding f = r.created().get(0);
        assertThat(r.findingOf()).containsOnly(f).hasSize(3);
        assertThat(f.isNew()).isTrue();
        assertThat(f.status()).isEqualTo(FindingStatus.OPEN);
        assertThat(f.observationCount()).isEqualTo(3);
        assertThat(f.addedCount()).isEqualTo(3);
        assertThat(f.firstAddedObservationId()).isEqualTo(101L);
        // (0.9 * 0 + 0.3 * 2 + 0.6 * 1) / 1.8 = 2/3 m north, 0.6 / 1.8 = 1/3 m east.
        assertThat(FlatEarth.distanceM(ODENSE.lat(), ODENSE.lon(), f.lat(), ODENSE.lon())).isCloseTo(2.0 / 3, within(0.01));
        assertThat(FlatEarth.distanceM(ODENSE.lat(), ODENSE.lon(), ODENSE.lat(), f.lon())).isCloseTo(1.0 / 3, within(0.01));
        assertThat(f.areaM2()).isCloseTo(0.1, within(1e-9));
        assertThat(f.maxScore()).isEqualTo(0.9f);
        assertThat(f.bestObservationId()).isEqualTo(101L);
        assertThat(f.firstSeen()).isEqualTo(T0.plusSeconds(1));
        assertThat(f.lastSeen()).isEqualTo(T0.plusSeconds(3));
        // 0.1 m² is severity 2, plus one for three sightings.
        assertThat(f.severity()).isEqualTo(3);
    }

    @Test
    void anObservationJoinsAFindingExactlyAtTheMergeRadiusButNotJustBeyondIt() {
        LatLon at = offset(ODENSE, 2.5, 1.5);
        double d = FlatEarth.distanceM(ODENSE.lat(), ODENSE.lon(), at.lat(), at.lon());

        Outcome onTheEdge = new FindingMerger(d, SEVERITY)
                .merge(numbered(pothole(at, 0.5f, 1)), List.of(stored(7, DamageType.POTHOLE, FindingStatus.OPEN, ODENSE)));
        assertThat(onTheEdge.created()).isEmpty();
        assertThat(onTheEdge.updated()).extracting(MergingFinding::id).containsExactly(7L);

        Outcome beyond = new FindingMerger(Math.nextDown(d), SEVERITY)
                .merge(numbered(pothole(at, 0.5f, 1)), List.of(stored(7, DamageType.POTHOLE, FindingStatus.OPEN, ODENSE)));
        assertThat(beyond.created()).hasSize(1);
        assertThat(beyond.updated()).isEmpty();
    }

    @Test
    void observationsFartherApartThanTheRadiusStartSeparateFindings() {
        Outcome r = merge(List.of(), pothole(ODENSE, 0.8f, 1), pothole(offset(ODENSE, 3.2, 0), 0.8f, 2));
        assertThat(r.created()).hasSize(2);
        assertThat(r.findingOf().get(0)).isNotSameAs(r.findingOf().get(1));
    }

    @Test
    void damageTypesNeverMerge() {
        MergingFinding crack = stored(7, DamageType.ALLIGATOR_CRACK, FindingStatus.OPEN, ODENSE);
        Outcome r = merge(List.of(crack), pothole(ODENSE, 0.8f, 1),
                observation(DamageType.ALLIGATOR_CRACK, ODENSE, 0.8f, 2, 0.5, "drive.mp4", T0));
        assertThat(r.created()).hasSize(1);
        assertThat(r.created().get(0).type()).isEqualTo(DamageType.POTHOLE);
        assertThat(r.findingOf().get(1)).isSameAs(crack);
        assertThat(r.updated()).containsExactly(crack);
    }

    @Test
    void theNearestFindingInRangeWinsAndUntouchedFindingsAreNotUpdated() {
        MergingFinding far = stored(7, DamageType.POTHOLE, FindingStatus.OPEN, offset(ODENSE, 2, 0));
        MergingFinding near = stored(8, DamageType.POTHOLE, FindingStatus.CONFIRMED, offset(ODENSE, -1, 0));
        MergingFinding elsewhere = stored(9, DamageType.POTHOLE, FindingStatus.OPEN, offset(ODENSE, 50, 0));
        Outcome r = merge(List.of(far, near, elsewhere), pothole(ODENSE, 0.8f, 1));
        assertThat(r.findingOf()).containsExactly(near);
        assertThat(r.updated()).containsExactly(near);
        assertThat(near.status()).isEqualTo(FindingStatus.CONFIRMED);
        assertThat(near.observationCount()).isEqualTo(2);
    }

    @Test
    void dismissedAndRepairedFindingsTakeNoObservations() {
        Outcome r = merge(List.of(stored(7, DamageType.POTHOLE, FindingStatus.DISMISSED, ODENSE),
                stored(8, DamageType.POTHOLE, FindingStatus.REPAIRED, ODENSE)), pothole(ODENSE, 0.8f, 1));
        assertThat(r.created()).hasSize(1);
        assertThat(r.updated()).isEmpty();
    }

    @Test
    void aPossiblyRepairedFindingSeenAgainIsOpenAgain() {
        MergingFinding f = stored(7, DamageType.POTHOLE, FindingStatus.POSSIBLY_REPAIRED, ODENSE);
        merge(List.of(f), pothole(offset(ODENSE, 1, 0), 0.5f, 1));
        assertThat(f.status()).isEqualTo(FindingStatus.OPEN);
        assertThat(f.previousStatus()).isEqualTo(FindingStatus.POSSIBLY_REPAIRED);
    }

    @Test
    void mergingIntoAStoredFindingAddsToItsWeightedSums() {
        MergingFinding f = stored(7, DamageType.POTHOLE, FindingStatus.OPEN, ODENSE);
        // Weight 1 at 0 m and weight 0.5 at 2.4 m north: mean 0.8 m north; evidence stays with the stored 1.0.
        Outcome r = merge(List.of(f), observation(DamageType.POTHOLE, offset(ODENSE, 2.4, 0), 0.5f, 4, 0.4, "b", T0));
        assertThat(r.updated()).containsExactly(f);
        assertThat(f.isNew()).isFalse();
        assertThat(f.id()).isEqualTo(7L);
        assertThat(f.weightSum()).isCloseTo(1.5, within(1e-9));
        assertThat(FlatEarth.distanceM(ODENSE.lat(), ODENSE.lon(), f.lat(), f.lon())).isCloseTo(0.8, within(0.01));
        assertThat(f.areaM2()).isCloseTo(0.2, within(1e-9));
        assertThat(f.observationCount()).isEqualTo(2);
        assertThat(f.firstSeen()).isEqualTo(T0.minusSeconds(86_400));
        assertThat(f.lastSeen()).isEqualTo(T0);
        assertThat(f.bestObservationId()).isEqualTo(1L);
        assertThat(f.firstAddedObservationId()).isEqualTo(101L);
        assertThat(f.severity()).isEqualTo(3);
    }

    @Test
    void bestEvidenceIsTheHighestScoringObservationWithAnImage() {
        Observation noImage = pothole(offset(ODENSE, 0.5, 0), 0.95f, 2).withoutEvidence();
        Outcome r = merge(List.of(), pothole(ODENSE, 0.5f, 1), noImage, pothole(offset(ODENSE, 1, 0), 0.7f, 3));
        MergingFinding f = r.created().get(0);
        assertThat(f.bestObservationId()).isEqualTo(103L);
        assertThat(f.bestEvidenceScore()).isEqualTo(0.7f);
        assertThat(f.maxScore()).isEqualTo(0.95f);
    }

    @Test
    void aZeroScoreStillCountsALittle() {
        Outcome r = merge(List.of(), pothole(ODENSE, 0f, 1));
        MergingFinding f = r.created().get(0);
        assertThat(f.weightSum()).isEqualTo(MergingFinding.MIN_WEIGHT);
        assertThat(f.lat()).isCloseTo(ODENSE.lat(), within(1e-12));
    }

    @Test
    void nothingToMergeChangesNothing() {
        MergingFinding f = stored(7, DamageType.POTHOLE, FindingStatus.OPEN, ODENSE);
        Outcome r = merge(List.of(f));
        assertThat(r.findingOf()).isEmpty();
        assertThat(r.created()).isEmpty();
        assertThat(r.updated()).isEmpty();
        assertThat(f.observationCount()).isEqualTo(1);
    }
}
