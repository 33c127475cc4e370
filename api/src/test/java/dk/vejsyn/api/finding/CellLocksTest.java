package dk.vejsyn.api.finding;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.offset;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.LatLon;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which advisory locks writers take: no database. */
class CellLocksTest {

    final CellLocks locks = new CellLocks(25);

    private TreeSet<Long> keys(int municipalityId, DamageType type, LatLon... points) {
        return locks.keys(municipalityId, Arrays.stream(points)
                .map(p -> new CellLocks.Point(type, p.lat(), p.lon())).toList());
    }

    @Test
    void aPointLocksItsCellAndTheEightNeighbours() {
        assertThat(keys(1, DamageType.POTHOLE, ODENSE)).hasSize(9);
        assertThat(locks.keys(1, List.of())).isEmpty();
    }

    @Test
    void writersWithinTheMergeRadiusShareLocksAndWritersFarApartDoNot() {
        TreeSet<Long> here = keys(1, DamageType.POTHOLE, ODENSE);
        assertThat(keys(1, DamageType.POTHOLE, offset(ODENSE, 3, 3))).containsAnyElementsOf(here);
        assertThat(keys(1, DamageType.POTHOLE, offset(ODENSE, 200, 0))).doesNotContainAnyElementsOf(here);
    }

    @Test
    void municipalitiesAndDamageTypesLockApart() {
        TreeSet<Long> here = keys(1, DamageType.POTHOLE, ODENSE);
        assertThat(keys(2, DamageType.POTHOLE, ODENSE)).doesNotContainAnyElementsOf(here);
        assertThat(keys(1, DamageType.ALLIGATOR_CRACK, ODENSE)).doesNotContainAnyElementsOf(here);
    }
}
