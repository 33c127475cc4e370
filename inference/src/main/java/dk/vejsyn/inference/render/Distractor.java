package dk.vejsyn.inference.render;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Something on the road that is not a pothole but could fool a detector: a crack, a
 * rectangular patch, a manhole cover or road paint. Placed at road position {@code (s, d)}.
 *
 * @param seed drives the object's own detail (crack path, paint symbol) so it is reproducible
 */
public record Distractor(String id, Kind kind, double sM, double dM, double lengthM, double widthM,
        double angleRad, long seed) {

    /** Kinds of distractors, with their ground-truth type names. */
    public enum Kind {
        CRACK("crack", true),
        PATCH("patch", false),
        MANHOLE("manhole_cover", false),
        ROAD_PAINT("road_paint", false);

        private final String wireName;
        private final boolean damage;

        Kind(String wireName, boolean damage) {
            this.wireName = wireName;
            this.damage = damage;
        }

        public String wireName() {
            return wireName;
        }

        /** Whether it is road damage at all (cracks are, just not potholes). */
        public boolean isDamage() {
            return damage;
        }
    }

    /**
     * The crack's strokes as {@code {s, d, half width}} road points, in painting order. The walk
     * starts near the nominal centre and runs one way, so the crack's true extent is not the
     * nominal rectangle: painter and label projector both use this one path.
     */
    public List<double[]> crackStrokes() {
        if (kind != Kind.CRACK) {
            throw new IllegalStateException(id + " is not a crack");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<double[]> out = new ArrayList<>();
        int branches = 1 + rnd.nextInt(3);
        for (int b = 0; b < branches; b++) {
            double s = sM + (rnd.nextDouble() - 0.5) * lengthM * 0.3;
            double d = dM + (rnd.nextDouble() - 0.5) * widthM * 0.3;
            double dir = angleRad + (b == 0 ? 0 : (rnd.nextDouble() - 0.5) * 2);
            double len = lengthM * (b == 0 ? 1 : 0.3 + 0.4 * rnd.nextDouble());
            for (double t = 0; t < len; t += 0.02) {
                dir += (rnd.nextDouble() - 0.5) * 0.35;
                s += Math.cos(dir) * 0.02;
                d += Math.sin(dir) * 0.02;
                out.add(new double[] {s, d, 0.012 + 0.01 * rnd.nextDouble()});
            }
        }
        return out;
    }

    /**
     * Road points {@code {s, d}} bounding what the painter draws: a crack's strokes, a manhole's
     * outer ring, a patch's sealed edge, the paint symbol's rectangle. Projected into a camera
     * they give the object's true pixel box (training labels of its class).
     */
    public List<double[]> outline() {
        List<double[]> pts = new ArrayList<>();
        switch (kind) {
            case CRACK -> {
                for (double[] q : crackStrokes()) {
                    pts.add(new double[] {q[0], q[1]});
                }
            }
            case MANHOLE -> {
                double r = lengthM / 2 + 0.08;
                for (int i = 0; i < 64; i++) {
                    double t = 2 * Math.PI * i / 64;
                    pts.add(new double[] {sM + r * Math.cos(t), dM + r * Math.sin(t)});
                }
            }
            case PATCH -> rectangle(pts, lengthM / 2 + 0.03, widthM / 2 + 0.03, angleRad);
            case ROAD_PAINT -> {
                Footprint f = footprint();
                rectangle(pts, (f.sMax() - f.sMin()) / 2, (f.dMax() - f.dMin()) / 2, 0);
            }
            default -> throw new IllegalStateException();
        }
        return pts;
    }

    /** Points along the edges of a rectangle centred on the object (edges bend in perspective only at the ends). */
    private void rectangle(List<double[]> pts, double hl, double hw, double angle) {
        double c = Math.cos(angle);
        double sn = Math.sin(angle);
        int n = 16;
        for (int i = 0; i < 4 * n; i++) {
            int side = i / n;
            double t = -1 + 2.0 * (i % n) / n;
            double x = side == 0 ? t * hl : side == 1 ? hl : side == 2 ? -t * hl : -hl;
            double y = side == 0 ? -hw : side == 1 ? t * hw : side == 2 ? hw : -t * hw;
            pts.add(new double[] {sM + x * c - y * sn, dM + x * sn + y * c});
        }
    }

    /** Road-aligned extents (ignoring the small rotation of patches and paint). */
    public Footprint footprint() {
        double c = Math.abs(Math.cos(angleRad));
        double s = Math.abs(Math.sin(angleRad));
        double hl = (lengthM * c + widthM * s) / 2;
        double hw = (lengthM * s + widthM * c) / 2;
        double area = kind == Kind.MANHOLE ? Math.PI * lengthM * lengthM / 4 : lengthM * widthM;
        return new Footprint(sM - hl, sM + hl, dM - hw, dM + hw, area);
    }
}
