package dk.vejsyn.api.finding;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.pothole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class FindingStoreTest extends PostgisIntegrationTest {

    @Autowired
    FindingStore store;

    private Map<String, Object> finding(long id) {
        return jdbc.queryForMap("SELECT *, ST_Y(geom) AS lat, ST_X(geom) AS lon FROM finding WHERE id = ?", id);
    }

    private int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    @Test
    void observationsWithinTheRadiusBecomeOneFindingAtTheirScoreWeightedMean() {
        LatLon a = offset(ODENSE, 0, 0);
        LatLon b = offset(ODENSE, 2, 0);
        IngestResult r = store.ingest("461", DriveInfo.of("d1", "truck-7"), List.of(pothole(a, 0.9f, 1), pothole(b, 0.3f, 2)));

        assertThat(r.observationsStored()).isEqualTo(2);
        assertThat(r.findingsCreated()).isEqualTo(1);
        assertThat(r.findingIds()).hasSize(2).containsOnly(r.findingIds().get(0));
        Map<String, Object> f = finding(r.findingIds().get(0));
        assertThat(f.get("observation_count")).isEqualTo(2);
        // 0.9 at 0 m and 0.3 at 2 m north: mean 0.5 m north of a.
        double north = Georeferencer.distanceM(a.lat(), a.lon(), (double) f.get("lat"), a.lon());
        assertThat(north).isCloseTo(0.5, within(0.01));
        assertThat(count("SELECT count(*) FROM finding_event WHERE finding_id = ? AND kind = 'created'", f.get("id"))).isEqualTo(1);
    }

    @Test
    void observationsFartherApartOrOfAnotherTypeStartNewFindings() {
        IngestResult r = store.ingest("461", DriveInfo.of("d1", "truck-7"), List.of(
                pothole(ODENSE, 0.8f, 1),
                pothole(offset(ODENSE, 10, 0), 0.8f, 2),
                observation(DamageType.ALLIGATOR_CRACK, ODENSE, 0.8f, 3, 0.5, "drive.mp4", T0)));
        assertThat(r.findingsCreated()).isEqualTo(3);
        assertThat(r.findingIds()).doesNotHaveDuplicates();
    }

    @Test
    void aLaterDriveMergesIntoTheExistingFindingAndRecordsAMergeEvent() {
        long id = store.ingest("461", DriveInfo.of("d1", "truck-7"), List.of(pothole(ODENSE, 0.8f, 1))).findingIds().get(0);
        IngestResult r = store.ingest("461", DriveInfo.of("d2", "truck-8"), List.of(pothole(offset(ODENSE, 0, 2.5), 0.7f, 1)));
        assertThat(r.findingsCreated()).isZero();
        assertThat(r.findingsUpdated()).isEqualTo(1);
        assertThat(r.findingIds()).containsExactly(id);
        assertThat(count("SELECT count(*) FROM finding_event WHERE finding_id = ? AND kind = 'merged'", id)).isEqualTo(1);
    }

    @Test
    void reIngestingTheSameFramesIsIdempotent() {
        List<Observation> obs = List.of(pothole(ODENSE, 0.8f, 1), pothole(offset(ODENSE, 1, 0), 0.6f, 2));
        IngestResult first = store.ingest("461", DriveInfo.of("d1", "truck-7"), obs);
        IngestResult again = store.ingest("461", DriveInfo.of("d1", "truck-7"), obs);
        assertThat(again.observationsStored()).isZero();
        assertThat(again.duplicatesSkipped()).isEqualTo(2);
        assertThat(again.findingIds()).isEqualTo(first.findingIds());
        assertThat(count("SELECT count(*) FROM observation")).isEqualTo(2);
        assertThat(finding(first.findingIds().get(0)).get("observation_count")).isEqualTo(2);
    }

    @Test
    void theSameObservationTwiceInOneCallIsStoredOnce() {
        Observation o = pothole(ODENSE, 0.8f, 1);
        IngestResult r = store.ingest("461", DriveInfo.of("d1", "t"), List.of(o, o));
        assertThat(r.observationsStored()).isEqualTo(1);
        assertThat(r.duplicatesSkipped()).isEqualTo(1);
        assertThat(r.findingIds()).hasSize(2).containsOnly(r.findingIds().get(0));
    }

    @Test
    void bestEvidenceIsTheHighestScoringObservationWithAnImage() {
        IngestResult r = store.ingest("461", DriveInfo.of("d1", "t"), List.of(
                pothole(ODENSE, 0.5f, 1), pothole(offset(ODENSE, 0.5, 0), 0.9f, 2), pothole(offset(ODENSE, 1, 0), 0.7f, 3)));
        long best = jdbc.queryForObject("SELECT best_observation_id FROM finding WHERE id = ?", Long.class, r.findingIds().get(0));
        assertThat(jdbc.queryForObject("SELECT frame_index FROM observation WHERE id = ?", Long.class, best)).isEqualTo(2L);
    }

    @Test
    void municipalitiesAreSeparateTenants() {
        long odense = store.ingest("461", DriveInfo.of("d1", "t"), List.of(pothole(ODENSE, 0.8f, 1))).findingIds().get(0);
        long other = store.ingest("101", DriveInfo.of("d1", "t"), List.of(pothole(ODENSE, 0.8f, 1))).findingIds().get(0);
        assertThat(other).isNotEqualTo(odense);
    }

    @Test
    void unknownMunicipalityIs404() {
        assertThatThrownBy(() -> store.ingest("998", DriveInfo.of("d", "t"), List.of(pothole(ODENSE, 0.8f, 1))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }

    @Test
    void dismissedAndRepairedFindingsDoNotAbsorbNewObservations() {
        long id = store.ingest("461", DriveInfo.of("d1", "t"), List.of(pothole(ODENSE, 0.8f, 1))).findingIds().get(0);
        store.changeStatus("461", id, FindingStatus.DISMISSED, "planner@odense.dk", "shadow");
        long next = store.ingest("461", DriveInfo.of("d2", "t"), List.of(pothole(ODENSE, 0.8f, 1))).findingIds().get(0);
        assertThat(next).isNotEqualTo(id);
    }

    @Test
    void severityGrowsWithAreaAndRepeatedSightings() {
        IngestResult small = store.ingest("461", DriveInfo.of("d1", "t"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.9f, 1, 0.02, "a", T0)));
        assertThat(finding(small.findingIds().get(0)).get("severity")).isEqualTo(1);
        LatLon far = offset(ODENSE, 100, 0);
        IngestResult big = store.ingest("461", DriveInfo.of("d1", "t"),
                List.of(observation(DamageType.POTHOLE, far, 0.9f, 2, 0.5, "a", T0)));
        assertThat(finding(big.findingIds().get(0)).get("severity")).isEqualTo(4);
        store.ingest("461", DriveInfo.of("d2", "t"), List.of(
                observation(DamageType.POTHOLE, far, 0.9f, 1, 0.5, "b", T0.plusSeconds(60)),
                observation(DamageType.POTHOLE, far, 0.9f, 2, 0.5, "b", T0.plusSeconds(61))));
        Map<String, Object> f = finding(big.findingIds().get(0));
        assertThat(f.get("observation_count")).isEqualTo(3);
        assertThat(f.get("severity")).isEqualTo(5);
    }

    @Test
    void twoWritersRacingOnTheSamePotholeCreateOneFinding() throws Exception {
        int writers = 4;
        int rounds = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < rounds; round++) {
                LatLon spot = offset(ODENSE, 50 * round, 0);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<IngestResult>> futures = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    final int wr = w;
                    final int rd = round;
                    futures.add(pool.submit(() -> {
                        start.await();
                        // Each writer sees the pothole at a slightly different place (GPS noise < 1.5 m).
                        return store.ingest("461", DriveInfo.of("race-" + rd + "-" + wr, "v" + wr),
                                List.of(pothole(offset(spot, 0.4 * wr - 0.6, 0.3 * wr), 0.5f + 0.1f * wr, 1)));
                    }));
                }
                start.countDown();
                for (Future<IngestResult> f : futures) {
                    f.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM finding")).isEqualTo(rounds);
        assertThat(count("SELECT count(*) FROM finding WHERE observation_count = ?", writers)).isEqualTo(rounds);
        assertThat(count("SELECT count(*) FROM observation WHERE finding_id IS NULL")).isZero();
    }

    @Test
    void plannerTransitionsFollowTheWorkflowAndAreRecorded() {
        long id = store.ingest("461", DriveInfo.of("d1", "t"), List.of(pothole(ODENSE, 0.8f, 1))).findingIds().get(0);
        assertThatThrownBy(() -> store.changeStatus("461", id, FindingStatus.REPAIRED, "p", null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(409);
                    assertThat(e.slug()).isEqualTo("invalid-transition");
                });
        store.changeStatus("461", id, FindingStatus.CONFIRMED, "anna@odense.dk", "seen on site");
        store.changeStatus("461", id, FindingStatus.SCHEDULED, "anna@odense.dk", "week 49");
        store.changeStatus("461", id, FindingStatus.REPAIRED, "crew-3", "patched");
        assertThat(finding(id).get("status")).isEqualTo("repaired");
        assertThat(jdbc.queryForList("SELECT to_status FROM finding_event WHERE finding_id = ? AND kind = 'status_changed' ORDER BY id",
                String.class, id)).containsExactly("confirmed", "scheduled", "repaired");
        assertThatThrownBy(() -> store.changeStatus("461", id, FindingStatus.OPEN, "p", null)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> store.changeStatus("101", id, FindingStatus.OPEN, "p", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }

    /** Frames of a vehicle driving north along a line through {@code from}, one per 4 m. */
    private static List<GeoTag> driveNorth(LatLon from, int frames, java.time.Instant start) {
        List<GeoTag> tags = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            LatLon p = offset(from, 4 * i, 0);
            tags.add(new GeoTag(p.lat(), p.lon(), 0, 8, start.plusMillis(500L * i), 3, Double.NaN));
        }
        return tags;
    }

    @Test
    void drivesPassingAFindingWithoutSeeingItMakeItPossiblyRepaired() {
        CameraModel camera = CameraModel.refuseTruckDashcam();
        long ahead = store.ingest("461", DriveInfo.of("d1", "t"), List.of(pothole(ODENSE, 0.8f, 1))).findingIds().get(0);
        // 30 m east of the road: outside the field of view at every frame within range.
        long aside = store.ingest("461", DriveInfo.of("d1", "t"), List.of(pothole(offset(ODENSE, 0, 30), 0.8f, 2))).findingIds().get(0);

        List<GeoTag> pass1 = driveNorth(offset(ODENSE, -60, 0), 10, T0.plusSeconds(86_400));
        RedriveResult r1 = store.recordPass("461", "redrive-1", pass1, camera);
        assertThat(r1.notSeen()).containsExactly(ahead);
        assertThat(r1.becamePossiblyRepaired()).isEmpty();
        // The same drive evaluated again changes nothing.
        assertThat(store.recordPass("461", "redrive-1", pass1, camera).notSeen()).isEmpty();

        RedriveResult r2 = store.recordPass("461", "redrive-2", driveNorth(offset(ODENSE, -60, 0), 10, T0.plusSeconds(2 * 86_400)), camera);
        assertThat(r2.becamePossiblyRepaired()).containsExactly(ahead);
        assertThat(finding(ahead).get("status")).isEqualTo("possibly_repaired");
        assertThat(finding(aside).get("status")).isEqualTo("open");
        assertThat(count("SELECT count(*) FROM finding_event WHERE finding_id = ? AND kind = 'not_seen'", ahead)).isEqualTo(2);

        // Seen again: back to open with its not-seen count reset.
        store.ingest("461", DriveInfo.of("d3", "t"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.1, "x", T0.plusSeconds(3 * 86_400))));
        assertThat(finding(ahead).get("status")).isEqualTo("open");
        assertThat(finding(ahead).get("not_seen_count")).isEqualTo(0);
    }

    @Test
    void aDriveThatSawTheFindingDoesNotCountAsNotSeen() {
        CameraModel camera = CameraModel.refuseTruckDashcam();
        List<GeoTag> frames = driveNorth(offset(ODENSE, -60, 0), 10, T0.plusSeconds(10));
        store.ingest("461", DriveInfo.fromFrames("d1", "t", frames),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.8f, 5, 0.1, "x", T0.plusSeconds(12))));
        assertThat(store.recordPass("461", "d1", frames, camera).notSeen()).isEmpty();
    }
}
