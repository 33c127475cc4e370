package dk.vejsyn.api.finding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.api.config.FindingProperties;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented severity rule and status workflow, without Spring or a database. */
class SeverityRuleTest {

    final FindingProperties.Severity rule = new FindingProperties.Severity(List.of(0.05, 0.15, 0.4, 1.0), 3, 1, 5);

    @Test
    void areaThresholdsGiveOneToFive() {
        assertThat(rule.of(0.01, 1)).isEqualTo(1);
        assertThat(rule.of(0.05, 1)).isEqualTo(2);
        assertThat(rule.of(0.2, 1)).isEqualTo(3);
        assertThat(rule.of(0.5, 1)).isEqualTo(4);
        assertThat(rule.of(2.0, 1)).isEqualTo(5);
    }

    @Test
    void repeatedSightingsAddOneCappedAtTheMaximum() {
        assertThat(rule.of(0.1, 2)).isEqualTo(2);
        assertThat(rule.of(0.1, 3)).isEqualTo(3);
        assertThat(rule.of(2.0, 10)).isEqualTo(5);
    }

    @Test
    void lockCellsSmallerThanTheMergeRadiusAreRefused() {
        assertThatThrownBy(() -> new FindingProperties(5, 4, 2, 25, rule)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void workflowAllowsOnlyDocumentedTransitions() {
        assertThat(FindingStatus.OPEN.canMoveTo(FindingStatus.CONFIRMED)).isTrue();
        assertThat(FindingStatus.OPEN.canMoveTo(FindingStatus.SCHEDULED)).isFalse();
        assertThat(FindingStatus.CONFIRMED.canMoveTo(FindingStatus.SCHEDULED)).isTrue();
        assertThat(FindingStatus.SCHEDULED.canMoveTo(FindingStatus.REPAIRED)).isTrue();
        assertThat(FindingStatus.POSSIBLY_REPAIRED.canMoveTo(FindingStatus.REPAIRED)).isTrue();
        assertThat(FindingStatus.DISMISSED.canMoveTo(FindingStatus.OPEN)).isTrue();
        assertThat(FindingStatus.REPAIRED.plannerTargets()).isEmpty();
        assertThat(FindingStatus.OPEN.canMoveTo(FindingStatus.POSSIBLY_REPAIRED)).isFalse();
        assertThat(FindingStatus.fromWire("Possibly_Repaired")).isEqualTo(FindingStatus.POSSIBLY_REPAIRED);
    }
}
