package dk.vejsyn.inference.render;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds random but reproducible {@link RoadScene}s: potholes where the brief wants them,
 * distractors kept clear of potholes, buildings, trees and posts beside the road, and the
 * shadows they cast when the sun is out. The same seed always gives the same scene.
 */
public final class SceneGenerator {
    /** Pothole sizes (nominal length) span this range, metres. */
    public static final double MIN_POTHOLE_M = 0.2;
    public static final double MAX_POTHOLE_M = 1.2;

    private SceneGenerator() {}

    /**
     * A scene for a drive along {@code [0, driveEndM]} in the driving lane: {@code count}
     * potholes spread over the stretch the camera sees well, most within 1.5 m of the vehicle's
     * path {@code vehicleD}, some near the kerbs; about as many distractors in between.
     */
    public static RoadScene forDrive(long seed, double driveEndM, int count, RoadLayout layout, Weather weather,
            double vehicleD) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double sStart = -10;
        double sEnd = driveEndM + 130;
        double from = 22;
        double to = driveEndM - 2;
        if (to - from < count * 8) {
            throw new IllegalArgumentException("drive too short for " + count + " potholes: " + driveEndM + " m");
        }
        List<Pothole> potholes = new ArrayList<>();
        double slot = (to - from) / count;
        for (int i = 0; i < count; i++) {
            double s = from + slot * (i + 0.5) + (rnd.nextDouble() - 0.5) * slot * 0.4;
            double d = lateral(rnd, layout, vehicleD, i % 4 == 3);
            potholes.add(Pothole.random(String.format("P%02d", i + 1), s, d, MIN_POTHOLE_M, MAX_POTHOLE_M,
                    weather.wetness(), rnd));
        }
        List<Distractor> distractors = distractors(rnd, layout, vehicleD, potholes, from - 10, to + 10,
                (int) Math.round(count * 1.3));
        return new RoadScene(seed, layout, weather, sStart, sEnd, potholes, distractors,
                roadside(rnd, layout, sStart, sEnd), shadows(rnd, layout, weather, sStart, sEnd));
    }

    /**
     * A scene for one training image seen from road position {@code (0, vehicleD)}: up to
     * {@code count} potholes between 3 and 24 m ahead (within the labelled range, more of them
     * near), spread over the carriageway, and 0 to {@code maxDistractors} distractors.
     */
    public static RoadScene forSample(long seed, int count, RoadLayout layout, Weather weather, double vehicleD,
            int maxDistractors) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double sStart = -5;
        double sEnd = 140;
        List<Pothole> potholes = new ArrayList<>();
        for (int i = 0; i < count * 4 && potholes.size() < count; i++) {
            // Biased towards the near range, where a flat pothole is tall enough in the image to label.
            double s = 3 + 21 * Math.pow(rnd.nextDouble(), 1.4);
            double d = lateral(rnd, layout, vehicleD, rnd.nextDouble() < 0.3);
            Pothole p = Pothole.random(String.format("P%02d", potholes.size() + 1), s, d, MIN_POTHOLE_M, MAX_POTHOLE_M,
                    weather.wetness(), rnd);
            if (clearOf(p.footprint(), potholes, 0.4)) {
                potholes.add(p);
            }
        }
        List<Distractor> distractors = distractors(rnd, layout, vehicleD, potholes, 3, 40,
                rnd.nextInt(maxDistractors + 1));
        return new RoadScene(seed, layout, weather, sStart, sEnd, potholes, distractors,
                roadside(rnd, layout, sStart, sEnd), shadows(rnd, layout, weather, sStart, sEnd));
    }

    /** Lateral position: near the vehicle's path, or near a kerb when {@code edge}. */
    private static double lateral(SplittableRandom rnd, RoadLayout layout, double vehicleD, boolean edge) {
        double limit = layout.halfWidthM() - 0.7;
        double d;
        if (edge) {
            double side = rnd.nextDouble() < 0.7 ? 1 : -1;
            d = side * (limit - 0.4 * rnd.nextDouble());
        } else {
            d = vehicleD + (rnd.nextDouble() * 2 - 1) * 1.5;
        }
        return Math.max(-limit, Math.min(limit, d));
    }

    private static boolean clearOf(Footprint f, List<Pothole> potholes, double gap) {
        for (Pothole p : potholes) {
            Footprint o = p.footprint();
            if (f.sMin() - gap < o.sMax() && o.sMin() < f.sMax() + gap && f.dMin() - gap < o.dMax()
                    && o.dMin() < f.dMax() + gap) {
                return false;
            }
        }
        return true;
    }

    private static List<Distractor> distractors(SplittableRandom rnd, RoadLayout layout, double vehicleD,
            List<Pothole> potholes, double from, double to, int count) {
        List<Distractor> out = new ArrayList<>();
        Distractor.Kind[] kinds = Distractor.Kind.values();
        for (int i = 0, tries = 0; out.size() < count && tries < count * 20; tries++, i++) {
            Distractor.Kind kind = kinds[rnd.nextInt(kinds.length)];
            double s = from + rnd.nextDouble() * (to - from);
            double limit = layout.halfWidthM() - 0.5;
            double d = Math.max(-limit, Math.min(limit, vehicleD + (rnd.nextDouble() * 2 - 1) * 2));
            double len;
            double wid;
            double angle = 0;
            switch (kind) {
                case CRACK -> {
                    len = 1 + 2.5 * rnd.nextDouble();
                    wid = 0.4;
                    angle = rnd.nextBoolean() ? (rnd.nextDouble() - 0.5) * 0.5 : Math.PI / 2 + (rnd.nextDouble() - 0.5) * 0.5;
                }
                case PATCH -> {
                    len = 0.8 + 2.5 * rnd.nextDouble();
                    wid = 0.6 + 1.6 * rnd.nextDouble();
                    angle = (rnd.nextDouble() - 0.5) * 0.1;
                }
                case MANHOLE -> {
                    len = 0.6 + 0.1 * rnd.nextDouble();
                    wid = len;
                }
                case ROAD_PAINT -> {
                    len = 0.4 + 2.5 * rnd.nextDouble();
                    wid = 0.5 + 1.2 * rnd.nextDouble();
                    d = Math.max(-limit, Math.min(limit, layout.drivingLaneCentreM() + (rnd.nextDouble() - 0.5)));
                }
                default -> throw new IllegalStateException();
            }
            Distractor x = new Distractor(String.format("D%02d", out.size() + 1), kind, s, d, len, wid, angle,
                    rnd.nextLong());
            if (clearOf(x.footprint(), potholes, 1.0)) {
                out.add(x);
            }
        }
        return out;
    }

    private static final double[][] FACADES = {
        {60, 70, 150}, {70, 90, 170}, {110, 160, 200}, {200, 205, 210}, {150, 150, 150}, {90, 110, 130},
        {170, 190, 215}, {60, 60, 110},
    };

    private static List<RoadsideObject> roadside(SplittableRandom rnd, RoadLayout layout, double sStart, double sEnd) {
        List<RoadsideObject> out = new ArrayList<>();
        double line = layout.halfWidthM() + layout.vergeWidthM();
        for (int side : new int[] {-1, 1}) {
            boolean urban = rnd.nextDouble() < (layout.verge() == RoadLayout.Verge.PAVEMENT ? 0.8 : 0.3);
            double s = sStart - rnd.nextDouble() * 10;
            while (s < sEnd) {
                if (urban && rnd.nextDouble() < 0.85) {
                    double len = 8 + 20 * rnd.nextDouble();
                    double[] c = FACADES[rnd.nextInt(FACADES.length)];
                    out.add(new RoadsideObject(RoadsideObject.Kind.BUILDING, s, side * (line + 0.5 + rnd.nextDouble()),
                            len, 5 + 8 * rnd.nextDouble(), c));
                    s += len + rnd.nextDouble() * 5;
                } else {
                    double g = 70 + 50 * rnd.nextDouble();
                    out.add(new RoadsideObject(RoadsideObject.Kind.TREE, s, side * (line - 0.5 - rnd.nextDouble()),
                            2.5 + 3 * rnd.nextDouble(), 6 + 5 * rnd.nextDouble(), new double[] {g * 0.45, g, g * 0.6}));
                    s += 6 + 8 * rnd.nextDouble();
                }
            }
        }
        for (double s = sStart + rnd.nextDouble() * 30; s < sEnd; s += 30 + 10 * rnd.nextDouble()) {
            out.add(new RoadsideObject(RoadsideObject.Kind.POST, s, layout.halfWidthM() + 0.6, 0.12, 6,
                    new double[] {110, 110, 105}));
        }
        return out;
    }

    private static List<Shadow> shadows(SplittableRandom rnd, RoadLayout layout, Weather weather, double sStart,
            double sEnd) {
        List<Shadow> out = new ArrayList<>();
        if (weather.shadowStrength() <= 0) {
            return out;
        }
        double sunSide = rnd.nextBoolean() ? 1 : -1;
        double edge = layout.halfWidthM();
        for (double s = sStart + rnd.nextDouble() * 15; s < sEnd; s += 6 + 20 * rnd.nextDouble()) {
            double reach = 1 + 4 * rnd.nextDouble();
            double len = 2.5 + 5 * rnd.nextDouble();
            // Shadows come from the sunny side's trees and houses and reach into the road.
            double d = sunSide * (edge + 1.5 - reach / 2);
            out.add(new Shadow(s, d, len, reach + 3, 0.25 + 0.2 * rnd.nextDouble()));
        }
        return out;
    }
}
