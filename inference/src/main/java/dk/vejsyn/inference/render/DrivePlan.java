package dk.vejsyn.inference.render;

import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;

/**
 * Where the vehicle is when: distance along the route from the speed profile, a gentle weave
 * within the driving lane, and the exact {@link GeoTag} at any time of the drive.
 */
public final class DrivePlan {
    private static final double STEP_S = 0.01;

    private final RouteSpec spec;
    private final RoutePath path;
    private final double laneCentreM;
    private final double durationS;
    private final double[] cumulative;

    public DrivePlan(RouteSpec spec, RoutePath path, double laneCentreM) {
        this.spec = spec;
        this.path = path;
        this.laneCentreM = laneCentreM;
        double maxT = spec.durationS() != null ? spec.durationS() : 3600;
        int n = (int) Math.ceil(maxT / STEP_S) + 2;
        double[] cum = new double[n];
        int last = n - 1;
        for (int i = 1; i < n; i++) {
            double t = (i - 0.5) * STEP_S;
            cum[i] = cum[i - 1] + spec.speedMps(t) * STEP_S;
            if (spec.durationS() == null && cum[i] >= path.lengthM()) {
                last = i;
                break;
            }
        }
        this.cumulative = java.util.Arrays.copyOf(cum, last + 1);
        this.durationS = spec.durationS() != null ? spec.durationS() : last * STEP_S;
        if (sAt(durationS) > path.lengthM() + 1) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "route is %.0f m long but the drive covers %.0f m in %.0f s", path.lengthM(), sAt(durationS), durationS));
        }
    }

    public double durationS() {
        return durationS;
    }

    /** Distance along the route at {@code t} seconds. */
    public double sAt(double t) {
        double x = Math.max(0, t / STEP_S);
        int i = (int) Math.min(cumulative.length - 2, Math.floor(x));
        double f = Math.min(1, x - i);
        return cumulative[i] + f * (cumulative[i + 1] - cumulative[i]);
    }

    /** Lateral position at {@code t}: lane centre plus a slow weave of about 15 cm. */
    public double dAt(double t) {
        return laneCentreM + 0.15 * Math.sin(2 * Math.PI * t / 17.0) + 0.05 * Math.sin(2 * Math.PI * t / 5.3);
    }

    /** Exact position, heading, speed and time at {@code t}; accuracy 0, heading = road direction. */
    public GeoTag tagAt(double t) {
        double[] p = path.pose(sAt(t), dAt(t));
        Instant time = spec.startTime().plusNanos(Math.round(t * 1e9));
        return new GeoTag(p[0], p[1], p[2], spec.speedMps(t), time, 0, spec.altitudeM());
    }

    public RoutePath path() {
        return path;
    }
}
