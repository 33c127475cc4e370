package dk.vejsyn.api.workorder;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.pothole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingStatus;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.finding.FindingViews.FindingSummary;
import dk.vejsyn.inference.geo.Observation;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Work orders keep their findings in the planner's order, read in one query; other municipalities' orders are not found. */
class WorkOrdersTest extends PostgisIntegrationTest {
    @Autowired
    FindingStore store;
    @Autowired
    WorkOrders orders;

    @Test
    void anOrderListsItsFindingsInThePlannersOrder() {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            obs.add(pothole(offset(ODENSE, 40 * i, 0), 0.8f, i));
        }
        List<Long> ids = store.ingest("461", DriveInfo.of("wo-order", "truck-1"), obs).findingIds();
        for (long id : ids) {
            store.changeStatus("461", id, FindingStatus.CONFIRMED, "planner", null);
        }
        List<Long> planned = List.of(ids.get(3), ids.get(0), ids.get(4), ids.get(1));
        long order = orders.create("461", planned, LocalDate.of(2026, 12, 7), "hold 2", null, "planner");

        WorkOrders.Order o = orders.get("461", order);
        assertThat(o.findings()).extracting(FindingSummary::id).containsExactlyElementsOf(planned);
        assertThat(o.findings()).allSatisfy(f -> assertThat(f.status()).isEqualTo("scheduled"));
        assertThatThrownBy(() -> orders.get("101", order)).isInstanceOf(ApiException.class)
                .hasMessageContaining("no work order");
    }
}
