package dk.vejsyn.inference.render;

import java.util.SplittableRandom;

/**
 * Realistic GNSS position error: per axis (north, east) a first-order Gauss-Markov process, a
 * random walk pulled back towards zero with a time constant of about half a minute, so the error
 * drifts smoothly as on a real receiver instead of jumping every second. Sampled at 1 Hz and
 * interpolated linearly in between.
 */
public final class GpsNoise {
    private static final double TAU_S = 30;
    private final double[] north;
    private final double[] east;

    /**
     * @param sigmaM RMS horizontal error in metres (each axis gets {@code sigmaM / sqrt 2})
     * @param seconds how long the noise must last
     */
    public GpsNoise(double sigmaM, int seconds, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = seconds + 2;
        north = new double[n];
        east = new double[n];
        double axis = sigmaM / Math.sqrt(2);
        double a = Math.exp(-1.0 / TAU_S);
        double step = axis * Math.sqrt(1 - a * a);
        north[0] = axis * gaussian(rnd);
        east[0] = axis * gaussian(rnd);
        for (int i = 1; i < n; i++) {
            north[i] = a * north[i - 1] + step * gaussian(rnd);
            east[i] = a * east[i - 1] + step * gaussian(rnd);
        }
    }

    /** {@code {northM, eastM}} error at {@code t} seconds. */
    public double[] at(double t) {
        int i = (int) Math.max(0, Math.min(north.length - 2, Math.floor(t)));
        double f = Math.max(0, Math.min(1, t - i));
        return new double[] {north[i] + f * (north[i + 1] - north[i]), east[i] + f * (east[i + 1] - east[i])};
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
