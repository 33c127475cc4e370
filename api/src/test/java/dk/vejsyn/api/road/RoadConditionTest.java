package dk.vejsyn.api.road;

import static dk.vejsyn.api.road.RoadFixtures.NORDVEJ;
import static dk.vejsyn.api.road.RoadFixtures.TVAERVEJ;
import static dk.vejsyn.api.road.RoadFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.Fixtures;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStatus;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Matching findings and drives to segments (junctions, parallel roads, a crossing drive), the
 * rating from open findings as they are dismissed and repaired, "not inspected" outside the
 * window, and the dated history.
 */
class RoadConditionTest extends PostgisIntegrationTest {
    /** 18 m east of Nordvej, along it: farther than the coverage tolerance (12 m) from a drive on Nordvej. */
    static final RoadFixtures.Road PARALLELVEJ = new RoadFixtures.Road("Parallelvej", new double[] {0, 18}, new double[] {430, 18});

    @Autowired
    RoadNetworkImport roads;

    @Autowired
    RoadCoverage coverage;

    @Autowired
    RoadConditions conditions;

    @Autowired
    RoadHistory history;

    @Autowired
    FindingStore store;

    @TempDir
    Path dir;

    int municipality;
    long frame;

    @BeforeEach
    void network() {
        RoadFixtures.clean(jdbc);
        roads.importFile("461", RoadFixtures.write(dir, "roads.geojson", RoadFixtures.geoJson(NORDVEJ, TVAERVEJ, PARALLELVEJ)),
                RoadFiles.Options.DEFAULT, "test");
        municipality = jdbc.queryForObject("SELECT id FROM municipality WHERE code = '461'", Integer.class);
    }

    /** The segment of {@code road} whose line passes nearest this point. */
    long segmentAt(String road, double north, double east) {
        return jdbc.queryForObject("""
                SELECT id FROM road_segment WHERE road_name = ? AND retired_at IS NULL
                ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) LIMIT 1""",
                Long.class, road, at(north, east).lon(), at(north, east).lat());
    }

    Map<Long, SegmentState> states() {
        return conditions.current(municipality, null, null, false).stream()
                .collect(Collectors.toMap(SegmentState::id, Function.identity()));
    }

    /** Potholes of severity 3 (0.2 m²) at these {north, east} points; returns their finding ids. */
    List<Long> potholes(double[]... northEast) {
        List<Observation> os = new ArrayList<>();
        for (double[] ne : northEast) {
            os.add(Fixtures.observation(DamageType.POTHOLE, at(ne[0], ne[1]), 0.9f, ++frame, 0.2, "road.mp4",
                    Fixtures.T0.plusSeconds(frame)));
        }
        return store.ingest("461", DriveInfo.of("pothole-drive", "truck-1"), os).findingIds();
    }

    @Test
    void aFindingAtAJunctionCountsOnceAndOnParallelRoadsForTheNearer() {
        potholes(new double[] {200.6, 0.5}, new double[] {50, 3}, new double[] {50, 11}, new double[] {50, 40});
        Map<Long, SegmentState> s = states();
        assertThat(s.values().stream().mapToInt(SegmentState::potholes).sum())
                .as("the junction pothole once, the one 22 m from any road nowhere").isEqualTo(3);
        assertThat(s.get(segmentAt("Nordvej", 50, 0)).potholes()).isEqualTo(1);      // 3 m from Nordvej, 15 m from Parallelvej
        assertThat(s.get(segmentAt("Parallelvej", 50, 18)).potholes()).isEqualTo(1);  // 11 m from Nordvej, 7 m from Parallelvej
    }

    @Test
    void aDriveCoversTheRoadItRunsAlongNotTheParallelOneNorTheOneItCrosses() {
        // Along Nordvej with ±2 m of GPS wobble, 1.5 m east of its centre line (the right-hand lane).
        List<double[]> track = new ArrayList<>();
        for (int n = -10; n <= 440; n += 10) {
            track.add(new double[] {n, 1.5 + ((n / 10) % 2 == 0 ? 2 : -2)});
        }
        RoadFixtures.drive(jdbc, "nordvej", Instant.now().minus(1, ChronoUnit.DAYS), track.toArray(double[][]::new));
        List<Long> covered = coverage.driveFinished("461", "nordvej");
        List<Long> nordvej = jdbc.queryForList("SELECT id FROM road_segment WHERE road_name = 'Nordvej' ORDER BY id", Long.class);
        assertThat(covered).containsExactlyInAnyOrderElementsOf(nordvej);

        // Along Tværvej, crossing Nordvej and Parallelvej: covers Tværvej's stretches only.
        RoadFixtures.drive(jdbc, "tvaervej", Instant.now().minus(1, ChronoUnit.DAYS), new double[] {201, -110}, new double[] {201, 110});
        List<Long> tvaervej = jdbc.queryForList("SELECT id FROM road_segment WHERE road_name = 'Tværvej' ORDER BY id", Long.class);
        assertThat(coverage.driveFinished("461", "tvaervej")).containsExactlyInAnyOrderElementsOf(tvaervej);

        Map<Long, SegmentState> s = states();
        assertThat(s.values().stream().filter(x -> x.roadName().equals("Parallelvej")))
                .isNotEmpty().allSatisfy(x -> assertThat(x.condition()).as("not inspected").isNull());
        assertThat(nordvej).allSatisfy(id -> assertThat(s.get(id).condition()).isEqualTo(5));
        // Evaluating a drive again changes nothing.
        assertThat(coverage.driveFinished("461", "nordvej")).containsExactlyInAnyOrderElementsOf(nordvej);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM road_segment_coverage", Integer.class))
                .isEqualTo(nordvej.size() + tvaervej.size());
    }

    @Test
    void theRatingFollowsDismissalAndRepairAndTheHistoryKeepsTheDates() {
        RoadFixtures.drive(jdbc, "nordvej", Instant.now().minus(1, ChronoUnit.DAYS), new double[] {-10, 1.5}, new double[] {440, 1.5});
        coverage.driveFinished("461", "nordvej");
        long first = segmentAt("Nordvej", 50, 0);
        List<Long> ids = potholes(new double[] {10, 1}, new double[] {30, -1}, new double[] {55, 1}, new double[] {80, 2});
        SegmentState bad = states().get(first);
        // 4 potholes of severity 3 on 100 m × 2 lanes × 3.5 m: density 0.57 %, deduct 49.6, index 50.4.
        assertThat(bad.potholes()).isEqualTo(4);
        assertThat(bad.conditionIndex()).isEqualTo(50.4);
        assertThat(bad.condition()).isEqualTo(2);
        assertThat(history.record(municipality, null)).as("the new potholes changed one segment").isEqualTo(1);
        // Yesterday's entry, as if the potholes had been found then.
        jdbc.update("UPDATE road_segment_condition SET rated_on = rated_on - 1 WHERE segment_id = ? AND potholes = 4", first);

        store.changeStatus("461", ids.get(0), FindingStatus.DISMISSED, "test", "a shadow");
        SegmentState dismissed = states().get(first);
        assertThat(dismissed.potholes()).isEqualTo(3);
        assertThat(dismissed.condition()).isEqualTo(3);
        for (long id : ids.subList(1, 4)) {
            store.changeStatus("461", id, FindingStatus.CONFIRMED, "test", null);
            store.changeStatus("461", id, FindingStatus.SCHEDULED, "test", null);
            store.changeStatus("461", id, FindingStatus.REPAIRED, "test", null);
        }
        SegmentState repaired = states().get(first);
        assertThat(repaired.potholes()).isZero();
        assertThat(repaired.condition()).isEqualTo(5);
        assertThat(repaired.conditionIndex()).isEqualTo(100.0);

        assertThat(history.record(municipality, null)).isEqualTo(1);
        assertThat(history.record(municipality, null)).as("nothing changed since").isZero();
        List<RoadHistory.Entry> h = history.of(first);
        assertThat(h).extracting(RoadHistory.Entry::condition).containsExactly(2, 5);
        assertThat(h.get(0).date()).isBefore(h.get(1).date());
    }

    @Test
    void cracksCountByLengthPerLaneMetre() {
        RoadFixtures.drive(jdbc, "nordvej", Instant.now().minus(1, ChronoUnit.DAYS), new double[] {-10, 1.5}, new double[] {440, 1.5});
        coverage.driveFinished("461", "nordvej");
        long first = segmentAt("Nordvej", 50, 0);
        Observation crack = Fixtures.observation(DamageType.LONGITUDINAL_CRACK, at(40, 1), 0.9f, 1, 0.2, "road.mp4", Fixtures.T0);
        long id = store.ingest("461", DriveInfo.of("crack-drive", "truck-1"), List.of(crack)).findingIds().get(0);
        // 50 m of crack on 200 lane-metres: 0.25 m per lane-metre, deduct 21.8 (its severity, which the store
        // derives from the length, is not weighed again).
        jdbc.update("UPDATE finding SET length_m = 50, severity = 5 WHERE id = ?", id);
        SegmentState s = states().get(first);
        assertThat(s.crackLengthM()).isEqualTo(50.0);
        assertThat(s.cracks()).isEqualTo(1);
        assertThat(s.conditionIndex()).isEqualTo(78.2);
        assertThat(s.condition()).isEqualTo(4);
        jdbc.update("UPDATE finding SET damage_type = 'alligator_crack' WHERE id = ?", id);
        assertThat(states().get(first).conditionIndex()).as("alligator cracking counts double").isEqualTo(68.9);
    }

    @Test
    void aSegmentNotDrivenWithinTheWindowIsNotRated() {
        RoadFixtures.drive(jdbc, "last-year", Instant.now().minus(400, ChronoUnit.DAYS), new double[] {-10, 1.5}, new double[] {440, 1.5});
        assertThat(coverage.driveFinished("461", "last-year")).hasSize(5);
        potholes(new double[] {10, 1});
        SegmentState s = states().get(segmentAt("Nordvej", 10, 0));
        assertThat(s.lastDrivenAt()).isBefore(Instant.now().minus(399, ChronoUnit.DAYS));
        assertThat(s.potholes()).isEqualTo(1);
        assertThat(s.condition()).isNull();
        assertThat(s.conditionIndex()).isNull();
        // A drive within the window rates it.
        RoadFixtures.drive(jdbc, "today", Instant.now(), new double[] {-10, 1.5}, new double[] {440, 1.5});
        coverage.driveFinished("461", "today");
        assertThat(states().get(segmentAt("Nordvej", 10, 0)).condition()).isEqualTo(4);
    }
}
