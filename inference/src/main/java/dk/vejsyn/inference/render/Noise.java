package dk.vejsyn.inference.render;

/**
 * Deterministic hash noise for textures: the same inputs give the same values on every machine
 * and thread, unlike a shared random generator.
 */
final class Noise {
    private Noise() {}

    /** Uniform value in [0, 1) for an integer lattice point. */
    static double hash01(long x, long y, long seed) {
        long h = x * 0x9E3779B97F4A7C15L + y * 0xC2B2AE3D27D4EB4FL + seed * 0x165667B19E3779F9L;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 32;
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Smooth value noise in [0, 1) with one lattice cell per {@code cell} units. */
    static double value(double x, double y, double cell, long seed) {
        double fx = x / cell;
        double fy = y / cell;
        long ix = (long) Math.floor(fx);
        long iy = (long) Math.floor(fy);
        double tx = smooth(fx - ix);
        double ty = smooth(fy - iy);
        double a = hash01(ix, iy, seed);
        double b = hash01(ix + 1, iy, seed);
        double c = hash01(ix, iy + 1, seed);
        double d = hash01(ix + 1, iy + 1, seed);
        return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }
}
