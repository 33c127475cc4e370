package dk.vejsyn.inference.render;

import java.util.SplittableRandom;
import org.opencv.core.Mat;

/**
 * Paints the things lying on the road into a {@link RoadSurface} texture: markings, distractors,
 * potholes and cast shadows, in that order (shadows last, so they fall across everything).
 */
final class SurfacePainter {

    /** Changes one texel, given its road position; {@code px} holds B, G, R at {@code o}. */
    @FunctionalInterface
    interface TexelShader {
        void shade(double s, double d, byte[] px, int o);
    }

    private final RoadSurface rs;
    private final Mat tex;
    private final RoadScene scene;

    SurfacePainter(RoadSurface rs, Mat tex, RoadScene scene) {
        this.rs = rs;
        this.tex = tex;
        this.scene = scene;
    }

    /** Runs {@code shader} over every texel of a road-aligned rectangle (clipped to the texture). */
    void paint(double sMin, double sMax, double dMin, double dMax, TexelShader shader) {
        int r0 = Math.max(0, rs.rowOf(sMin));
        int r1 = Math.min(rs.rows - 1, rs.rowOf(sMax));
        int c0 = Math.max(0, rs.colOf(dMin));
        int c1 = Math.min(rs.cols - 1, rs.colOf(dMax));
        if (r1 < r0 || c1 < c0) {
            return;
        }
        Mat roi = tex.submat(r0, r1 + 1, c0, c1 + 1);
        int w = c1 - c0 + 1;
        byte[] px = new byte[(r1 - r0 + 1) * w * 3];
        roi.get(0, 0, px);
        for (int i = r0; i <= r1; i++) {
            double s = rs.sOfRow(i);
            for (int j = c0; j <= c1; j++) {
                shader.shade(s, rs.dOfCol(j), px, ((i - r0) * w + (j - c0)) * 3);
            }
        }
        roi.put(0, 0, px);
    }

    void paintMarkings() {
        RoadLayout lay = scene.layout();
        long seed = scene.seed() + 11;
        double wear = 0.2 + 0.6 * new SplittableRandom(seed).nextDouble();
        double[] paint = {222, 226, 228};
        TexelShader line = (s, d, px, o) -> {
            double worn = Noise.value(s, d, 0.08, seed) * 0.6 + Noise.value(s, d, 0.9, seed + 1) * 0.4;
            double a = Math.max(0, Math.min(0.92, 1.3 - wear * 1.6 * worn));
            mix(px, o, paint, a * (1 - 0.3 * scene.weather().wetness()));
        };
        if (lay.centreLine()) {
            double period = 9;
            double first = Math.floor(scene.sStartM() / period) * period;
            for (double s = first; s < scene.sEndM(); s += period) {
                paint(s, s + 3, -0.05, 0.05, line);
            }
        }
        if (lay.edgeLines()) {
            double e = lay.halfWidthM() - 0.3;
            paint(scene.sStartM(), scene.sEndM(), e - 0.05, e + 0.05, line);
            paint(scene.sStartM(), scene.sEndM(), -e - 0.05, -e + 0.05, line);
        }
        // Kerb stones: joints every metre.
        double k = lay.halfWidthM();
        double[] joint = {90, 92, 95};
        for (double s = Math.floor(scene.sStartM()); s < scene.sEndM(); s += 1.0) {
            paint(s, s + 0.02, k, k + 0.15, (ss, d, px, o) -> mix(px, o, joint, 0.5));
            paint(s, s + 0.02, -k - 0.15, -k, (ss, d, px, o) -> mix(px, o, joint, 0.5));
        }
        if (lay.verge() == RoadLayout.Verge.PAVEMENT) {
            double d0 = k + 0.15;
            double d1 = k + lay.vergeWidthM();
            TexelShader slabs = (s, d, px, o) -> {
                double ad = Math.abs(d) - d0;
                double ms = s - Math.floor(s / 0.6) * 0.6;
                double md = ad - Math.floor(ad / 0.6) * 0.6;
                if (ms < 0.02 || md < 0.02) {
                    scale(px, o, 0.8);
                }
            };
            paint(scene.sStartM(), scene.sEndM(), d0, d1, slabs);
            paint(scene.sStartM(), scene.sEndM(), -d1, -d0, slabs);
        }
    }

    void paintDistractors() {
        for (Distractor x : scene.distractors()) {
            switch (x.kind()) {
                case PATCH -> paintPatch(x);
                case MANHOLE -> paintManhole(x);
                case CRACK -> paintCrack(x);
                case ROAD_PAINT -> paintRoadPaint(x);
                default -> throw new IllegalStateException();
            }
        }
    }

    private void paintPatch(Distractor x) {
        Footprint f = x.footprint();
        double c = Math.cos(x.angleRad());
        double sn = Math.sin(x.angleRad());
        double shade = new SplittableRandom(x.seed()).nextDouble() < 0.6 ? 0.72 : 1.18;
        paint(f.sMin() - 0.05, f.sMax() + 0.05, f.dMin() - 0.05, f.dMax() + 0.05, (s, d, px, o) -> {
            double ls = (s - x.sM()) * c + (d - x.dM()) * sn;
            double ld = -(s - x.sM()) * sn + (d - x.dM()) * c;
            double es = x.lengthM() / 2 - Math.abs(ls);
            double ed = x.widthM() / 2 - Math.abs(ld);
            double edge = Math.min(es, ed);
            if (edge < -0.03) {
                return;
            }
            if (edge < 0.03) {
                scale(px, o, 0.55); // bitumen seal along the joint
            } else {
                // Newer asphalt: smoother (pull towards its mean) and darker or paler.
                double g = Noise.value(s, d, 0.15, x.seed()) - 0.5;
                for (int ch = 0; ch < 3; ch++) {
                    int v = px[o + ch] & 0xFF;
                    px[o + ch] = RoadSurface.clamp((v * 0.4 + 95 * 0.6) * shade * (1 + 0.08 * g));
                }
            }
        });
    }

    private void paintManhole(Distractor x) {
        double r = x.lengthM() / 2;
        double[] metal = {70, 72, 74};
        double[] ring = {140, 142, 145};
        paint(x.sM() - r - 0.1, x.sM() + r + 0.1, x.dM() - r - 0.1, x.dM() + r + 0.1, (s, d, px, o) -> {
            double q = Math.hypot(s - x.sM(), d - x.dM());
            if (q > r + 0.08) {
                return;
            }
            if (q > r) {
                mix(px, o, ring, 0.7);
            } else if (q > r - 0.03) {
                mix(px, o, new double[] {40, 40, 42}, 0.9);
            } else {
                // Cast-iron lid: a grid of raised bars.
                double gs = (s - x.sM()) / 0.05;
                double gd = (d - x.dM()) / 0.05;
                boolean bar = Math.abs(gs - Math.rint(gs)) < 0.2 || Math.abs(gd - Math.rint(gd)) < 0.2;
                double n = Noise.value(s, d, 0.03, x.seed()) * 20;
                double[] col = bar ? new double[] {metal[0] + 25 + n, metal[1] + 25 + n, metal[2] + 25 + n}
                        : new double[] {metal[0] + n, metal[1] + n, metal[2] + n};
                mix(px, o, col, 0.95);
            }
        });
    }

    private void paintCrack(Distractor x) {
        for (double[] q : x.crackStrokes()) {
            double width = q[2];
            paint(q[0] - width, q[0] + width, q[1] - width, q[1] + width, (ss, dd, px, o) -> scale(px, o, 0.45));
        }
    }

    private void paintRoadPaint(Distractor x) {
        SplittableRandom rnd = new SplittableRandom(x.seed());
        double[] white = {220, 224, 226};
        int symbol = rnd.nextInt(3);
        Footprint f = x.footprint();
        paint(f.sMin(), f.sMax(), f.dMin(), f.dMax(), (s, d, px, o) -> {
            double ls = (s - x.sM()) / (x.lengthM() / 2); // -1..1 along the road
            double ld = (d - x.dM()) / (x.widthM() / 2); // -1..1 across
            boolean on;
            if (symbol == 0) {
                on = Math.abs(ls) < 1; // transverse bar (stop or give-way line)
            } else if (symbol == 1) {
                // Give-way triangles ("shark teeth") pointing at the driver.
                double cell = (ld + 1) * 3;
                double t = cell - Math.floor(cell);
                on = ls > -1 && ls < 1 && Math.abs(t - 0.5) < 0.4 * (1 - ls) / 2;
            } else {
                // Straight-ahead arrow: shaft, then head.
                on = (ls < 0.3 && Math.abs(ld) < 0.25) || (ls >= 0.3 && Math.abs(ld) < (1 - ls) / 0.7);
            }
            if (on) {
                double worn = Noise.value(s, d, 0.07, x.seed());
                mix(px, o, white, Math.max(0.2, 0.9 - 0.5 * worn));
            }
        });
    }

    void paintPotholes() {
        double wet = scene.weather().wetness();
        double[] sky = scene.weather().skyHorizon();
        for (Pothole p : scene.potholes()) {
            double r = Math.max(p.lengthM(), p.widthM()) * 0.85 + 0.05;
            long seed = p.id().hashCode();
            paint(p.sM() - r, p.sM() + r, p.dM() - r, p.dM() + r, (s, d, px, o) -> {
                // Ragged, crumbled edge on top of the smooth outline (within a few centimetres).
                double rho = p.rho(s, d) + 0.14 * (Noise.value(s, d, 0.035, seed + 3) - 0.5);
                double grit = Noise.value(s, d, 0.03, seed) - 0.5 + 0.6 * (Noise.hash01(
                        (long) Math.floor(s / 0.025), (long) Math.floor(d / 0.025), seed) - 0.5);
                if (rho < 1) {
                    double along = p.alongRoad(s);
                    // Near wall faces away from the camera (dark); far wall faces it (lit).
                    double f = 0.6 - 0.3 * p.depth() + 0.35 * rho * rho * Math.max(0, along)
                            - 0.15 * rho * rho * Math.max(0, -along) + 0.35 * grit;
                    f = Math.max(0.15, f);
                    for (int ch = 0; ch < 3; ch++) {
                        int v = px[o + ch] & 0xFF;
                        px[o + ch] = RoadSurface.clamp(v * f + 6 * (ch == 2 ? 1 : 0));
                    }
                    if (p.water() > 0 && rho < p.water()) {
                        double a = 0.55 + 0.25 * wet;
                        mix(px, o, new double[] {sky[0] * 0.55, sky[1] * 0.55, sky[2] * 0.53}, a);
                    }
                } else if (rho < 1.18) {
                    // Broken, lighter rim with loose chippings.
                    double t = 1 - (rho - 1) / 0.18;
                    scale(px, o, 1 + (0.3 + 0.5 * grit) * t);
                } else if (rho < 1.45) {
                    double spall = Noise.value(s, d, 0.06, seed + 7);
                    if (spall > 0.72) {
                        scale(px, o, 0.75);
                    }
                }
            });
        }
    }

    void paintShadows() {
        double strength = scene.weather().shadowStrength();
        if (strength <= 0) {
            return;
        }
        for (Shadow sh : scene.shadows()) {
            double a = sh.lengthM() / 2;
            double b = sh.widthM() / 2;
            long seed = Double.doubleToLongBits(sh.sM() * 31 + sh.dM());
            paint(sh.sM() - a, sh.sM() + a, sh.dM() - b, sh.dM() + b, (s, d, px, o) -> {
                // Ragged crown outline: noise pushes the ellipse edge in and out.
                double q = Math.hypot((s - sh.sM()) / a, (d - sh.dM()) / b) + 0.35 * (Noise.value(s, d, 0.4, seed) - 0.5);
                double edge = 1 - sh.softness();
                if (q >= 1) {
                    return;
                }
                double t = q <= edge ? 1 : 1 - (q - edge) / sh.softness();
                scale(px, o, 1 - strength * t);
            });
        }
    }

    static void mix(byte[] px, int o, double[] c, double a) {
        for (int ch = 0; ch < 3; ch++) {
            int v = px[o + ch] & 0xFF;
            px[o + ch] = RoadSurface.clamp(v * (1 - a) + c[ch] * a);
        }
    }

    static void scale(byte[] px, int o, double f) {
        for (int ch = 0; ch < 3; ch++) {
            px[o + ch] = RoadSurface.clamp((px[o + ch] & 0xFF) * f);
        }
    }
}
