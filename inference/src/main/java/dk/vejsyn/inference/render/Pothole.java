package dk.vejsyn.inference.render;

import java.util.SplittableRandom;

/**
 * A pothole on the road: an irregular, roughly elliptical hole at road position {@code (s, d)}.
 *
 * <p>Shape: in the pothole's own axes ({@code x} along its length, {@code y} across), the edge
 * lies at normalised radius {@code rho = 1} where {@code rho = hypot(x / a, y / b) / k(theta)},
 * {@code a = lengthM / 2}, {@code b = widthM / 2}, and {@code k(theta) = 1 + sum amp_j cos(j theta
 * + phase_j)} (j = 2..5) makes the edge irregular. The axes are turned by {@code angleRad} from
 * the road's direction. Nominal sizes are before irregularity; {@link #footprint()} gives the
 * true extents, which the ground truth reports.
 *
 * @param depth 0 (shallow) .. 1 (deep): how dark the interior is
 * @param water 0 (dry) .. 1 (full): fraction of the radius covered by standing water
 */
public record Pothole(String id, double sM, double dM, double lengthM, double widthM, double angleRad,
        double[] amps, double[] phases, double depth, double water) {

    /** A random pothole of nominal size in [minSizeM, maxSizeM] centred near (s, d). */
    public static Pothole random(String id, double s, double d, double minSizeM, double maxSizeM,
            double wetness, SplittableRandom rnd) {
        double len = minSizeM + (maxSizeM - minSizeM) * Math.pow(rnd.nextDouble(), 1.3);
        double wid = len * (0.55 + 0.7 * rnd.nextDouble());
        wid = Math.max(minSizeM * 0.8, Math.min(maxSizeM, wid));
        double[] amps = new double[4];
        double[] phases = new double[4];
        for (int j = 0; j < 4; j++) {
            amps[j] = rnd.nextDouble() * 0.16 / (j + 1);
            phases[j] = rnd.nextDouble() * 2 * Math.PI;
        }
        double angle = (rnd.nextDouble() - 0.5) * Math.PI;
        double water = rnd.nextDouble() < 0.2 + 0.6 * wetness ? 0.3 + 0.6 * rnd.nextDouble() : 0;
        return new Pothole(id, s, d, len, wid, angle, amps, phases, 0.4 + 0.6 * rnd.nextDouble(), water);
    }

    /** Normalised radius of road point {@code (s, d)}: below 1 inside the hole. */
    public double rho(double s, double d) {
        double ds = s - sM;
        double dd = d - dM;
        double c = Math.cos(angleRad);
        double sn = Math.sin(angleRad);
        double x = (ds * c + dd * sn) / (lengthM / 2);
        double y = (-ds * sn + dd * c) / (widthM / 2);
        double theta = Math.atan2(y, x);
        return Math.hypot(x, y) / edge(theta);
    }

    /** Local axial coordinate along the road, -1 (near side) .. 1 (far side), for shading. */
    double alongRoad(double s) {
        return (s - sM) / (Math.max(lengthM, widthM) / 2);
    }

    private double edge(double theta) {
        double k = 1;
        for (int j = 0; j < amps.length; j++) {
            k += amps[j] * Math.cos((j + 2) * theta + phases[j]);
        }
        return k;
    }

    /** The edge (rho = 1) as {@code n} road points {@code {s, d}}, counter-clockwise. */
    public double[][] outline(int n) {
        double[][] pts = new double[n][];
        double c = Math.cos(angleRad);
        double sn = Math.sin(angleRad);
        for (int i = 0; i < n; i++) {
            double t = 2 * Math.PI * i / n;
            double k = edge(t);
            double x = Math.cos(t) * k * lengthM / 2;
            double y = Math.sin(t) * k * widthM / 2;
            pts[i] = new double[] {sM + x * c - y * sn, dM + x * sn + y * c};
        }
        return pts;
    }

    /** True road-aligned extents and area of the hole (from a 256-point outline). */
    public Footprint footprint() {
        double[][] pts = outline(256);
        double sMin = Double.MAX_VALUE, sMax = -Double.MAX_VALUE, dMin = Double.MAX_VALUE, dMax = -Double.MAX_VALUE;
        double area2 = 0;
        for (int i = 0; i < pts.length; i++) {
            double[] p = pts[i];
            double[] q = pts[(i + 1) % pts.length];
            sMin = Math.min(sMin, p[0]);
            sMax = Math.max(sMax, p[0]);
            dMin = Math.min(dMin, p[1]);
            dMax = Math.max(dMax, p[1]);
            area2 += p[0] * q[1] - q[0] * p[1];
        }
        return new Footprint(sMin, sMax, dMin, dMax, Math.abs(area2) / 2);
    }
}
