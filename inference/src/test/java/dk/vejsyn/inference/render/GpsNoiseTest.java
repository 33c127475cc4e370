package dk.vejsyn.inference.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GpsNoiseTest {

    @Test
    void errorHasTheAskedSizeAndDriftsSlowly() {
        GpsNoise n = new GpsNoise(2, 5000, 1);
        double sum2 = 0;
        double step = 0;
        double[] prev = n.at(0);
        for (int t = 1; t <= 5000; t++) {
            double[] e = n.at(t);
            sum2 += e[0] * e[0] + e[1] * e[1];
            step += Math.hypot(e[0] - prev[0], e[1] - prev[1]);
            prev = e;
        }
        double rms = Math.sqrt(sum2 / 5000);
        assertThat(rms).isBetween(1.4, 2.8);
        // Correlated: a second's change is a fraction of the error itself (white noise would be ~1.4x).
        assertThat(step / 5000).isLessThan(0.5 * rms);
    }

    @Test
    void zeroNoiseIsZero() {
        assertThat(new GpsNoise(0, 10, 3).at(4.5)).containsExactly(0.0, 0.0);
    }
}
