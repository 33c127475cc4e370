package dk.vejsyn.inference.detect;

import java.util.Locale;

/**
 * The check every forward pass's output goes through before it can become a detection: the
 * model's contract ({@code [1, 4 + C, N]}, rows cx, cy, w, h in input pixels, then sigmoid class
 * probabilities) bounds every value, so a broken kernel shows up as a value outside its range.
 * Cheap: one pass over ~75,000 floats, about 0.1 ms.
 *
 * <p>It cannot see a wrong value that stays within range; {@link RuntimeCheck} and the periodic
 * comparison in {@link DjlDetector} cover those.
 */
final class OutputGuard {
    /** Sigmoid outputs are in [0, 1]; float rounding never leaves it by more than this. */
    private static final float PROBABILITY_SLACK = 1e-5f;
    /** Boxes predicted by a sane network stay within a few image sizes of the input. */
    private static final int EXTENT_FACTOR = 8;

    private OutputGuard() {}

    /**
     * The guard as the model's passes use it: null when {@code raw} keeps to {@code spec}'s
     * contract, else what is wrong.
     */
    static String problem(float[] raw, ModelSpec spec) {
        int classes = spec.outputClasses().size();
        if (raw.length % (4 + classes) != 0) {
            return "output has " + raw.length + " values, not a multiple of " + (4 + classes) + " rows";
        }
        return problem(raw, classes, raw.length / (4 + classes), spec.inputWidth(), spec.inputHeight());
    }

    /** {@code raw} itself when it keeps to the contract; never lets an untrusted output through. */
    static float[] require(float[] raw, ModelSpec spec) {
        String problem = problem(raw, spec);
        if (problem != null) {
            throw new UntrustedOutputException(problem);
        }
        return raw;
    }

    /**
     * @param raw the output, row-major {@code [4 + classes, anchors]}
     * @return null when every value is within its range, else what is wrong (for logs and counters)
     */
    static String problem(float[] raw, int classes, int anchors, int inputWidth, int inputHeight) {
        int rows = 4 + classes;
        if (raw.length != (long) rows * anchors) {
            return "output has " + raw.length + " values, expected " + rows + " x " + anchors;
        }
        float extent = EXTENT_FACTOR * (float) Math.max(inputWidth, inputHeight);
        for (int row = 0; row < rows; row++) {
            float lo;
            float hi;
            if (row < 2) {
                lo = -extent;
                hi = extent;
            } else if (row < 4) {
                lo = 0;
                hi = extent;
            } else {
                lo = -PROBABILITY_SLACK;
                hi = 1 + PROBABILITY_SLACK;
            }
            int base = row * anchors;
            for (int i = 0; i < anchors; i++) {
                float v = raw[base + i];
                // written so that NaN fails too
                if (!(v >= lo && v <= hi)) {
                    return String.format(Locale.ROOT, "%s at row %d, anchor %d (allowed %s..%s)",
                            Float.isNaN(v) ? "NaN" : String.valueOf(v), row, i, lo, hi);
                }
            }
        }
        return null;
    }

    /**
     * Largest difference between an output and the trusted one, scaled so that 1 means "at the
     * tolerance": {@code |a - b| / (ABS + REL * |b|)}; NaN anywhere gives infinity.
     */
    static double mismatch(float[] out, float[] trusted) {
        if (out.length != trusted.length) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int i = 0; i < out.length; i++) {
            double d = Math.abs((double) out[i] - trusted[i]) / (ABS_TOLERANCE + REL_TOLERANCE * Math.abs(trusted[i]));
            if (!(d <= worst)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return worst;
    }

    /** A {@link #mismatch} for people: "not a number in the output" or "3.01e+03 x the tolerance". */
    static String describe(double mismatch) {
        return Double.isInfinite(mismatch) ? "not a number in the output"
                : String.format(Locale.ROOT, "%.3g x the tolerance", mismatch);
    }

    /**
     * Two correct implementations differ by float rounding only: oneDNN (SSE4.1) and ATen agreed
     * to 2e-4 on box coordinates of hundreds of pixels; the fault this guards against was off by
     * up to 128 pixels.
     */
    static final double ABS_TOLERANCE = 2e-3;
    static final double REL_TOLERANCE = 1e-4;
}
