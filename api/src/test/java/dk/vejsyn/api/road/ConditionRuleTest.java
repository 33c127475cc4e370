package dk.vejsyn.api.road;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rating formula's figures as the README states them (100 m stretch, 2 lanes of 3.5 m). */
class ConditionRuleTest {
    final ConditionRule rule = new ConditionRule(RoadProperties.defaults());

    /** Σ w(severity) of potholes of these severities. */
    static double potholes(int... severities) {
        double w = 0;
        for (int s : severities) {
            w += ConditionRule.SEVERITY_WEIGHT[s - 1];
        }
        return w;
    }

    @Test
    void noDamageIsGood() {
        assertThat(rule.rate(100, 0, 0)).isEqualTo(new ConditionRule.Rating(5, 100.0));
    }

    @Test
    void potholesLowerTheRatingBySeverityAndCount() {
        assertThat(rule.rate(100, potholes(1), 0).condition()).isEqualTo(5);
        assertThat(rule.rate(100, potholes(3), 0).condition()).isEqualTo(4);
        assertThat(rule.rate(100, potholes(5), 0).condition()).isEqualTo(3);
        assertThat(rule.rate(100, potholes(3, 3), 0).condition()).isEqualTo(3);
        assertThat(rule.rate(100, potholes(3, 3, 3, 3), 0).condition()).isEqualTo(2);
        assertThat(rule.rate(100, potholes(3, 3, 3, 3, 3, 3, 3, 3, 3, 3), 0).condition()).isEqualTo(1);
        // More is never better.
        double last = 101;
        for (int n = 0; n < 30; n++) {
            double index = rule.rate(100, n, 0).index();
            assertThat(index).isLessThanOrEqualTo(last);
            last = index;
        }
    }

    @Test
    void densityNotCountMattersButShortStubsCountAsHalfAStretch() {
        // The same two potholes on 200 m are half as dense as on 100 m.
        assertThat(rule.rate(200, potholes(3, 3), 0).index()).isGreaterThan(rule.rate(100, potholes(3, 3), 0).index());
        // A 10 m stub is rated as 50 m long.
        assertThat(rule.rate(10, potholes(3), 0)).isEqualTo(rule.rate(50, potholes(3), 0));
    }

    @Test
    void cracksByLengthPerLaneMetreAndTheLargerDeductCountsFully() {
        assertThat(rule.rate(100, 0, 10).condition()).isEqualTo(5);    // 10 m of crack on 200 lane-metres
        assertThat(rule.rate(100, 0, 50).index()).isEqualTo(78.2);
        assertThat(rule.rate(100, 0, 200).condition()).isEqualTo(3);   // a crack all along both lanes
        double both = rule.rate(100, potholes(3), 50).index();
        assertThat(both).isLessThan(rule.rate(100, potholes(3), 0).index()).isLessThan(rule.rate(100, 0, 50).index());
    }
}
