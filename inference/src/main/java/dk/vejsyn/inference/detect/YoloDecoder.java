package dk.vejsyn.inference.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the model's raw output into candidate boxes. The output is the row-major float array
 * of a {@code [1, 4 + C, N]} tensor: for anchor point {@code i}, {@code out[0*N+i]..out[3*N+i]}
 * are centre x, centre y, width, height in model-input pixels and {@code out[(4+c)*N+i]} is the
 * probability of class {@code c}.
 *
 * <p>Each anchor contributes at most one candidate: its best class among those scoring at least
 * their threshold (the usual YOLOv8 decoding; a pothole is not also a crack at the same place).
 * A model may give a class a threshold of its own ({@link ModelSpec#scoreThreshold(int)}); with
 * one threshold for all this is simply the best class, if it reaches the threshold. An
 * anchor whose best class is a look-alike the model does not report (a manhole cover, road
 * paint) yields nothing: the model has said what it sees there, and it is not damage.
 */
public final class YoloDecoder {
    /** Reported damage type per output row; null for look-alike rows. */
    private final DamageType[] rows;

    /** A decoder for a model that reports every one of its output classes. */
    public YoloDecoder(List<DamageType> classes) {
        this.rows = classes.toArray(DamageType[]::new);
    }

    /** A decoder for the model {@code spec} describes, look-alike classes included. */
    public YoloDecoder(ModelSpec spec) {
        this.rows = new DamageType[spec.outputClasses().size()];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = spec.reportedType(r);
        }
    }

    /** A box in model-input pixels with its class index and score, before NMS. */
    public record Candidate(PixelBox box, int classIndex, float score) {}

    /**
     * Candidates scoring at least {@code scoreThreshold}, in anchor order.
     *
     * @param output raw output, length {@code (4 + C) * anchors}
     * @param anchors N, the number of anchor points
     * @throws IllegalArgumentException if the array does not match {@code (4 + C) * anchors}
     */
    public List<Candidate> decode(float[] output, int anchors, float scoreThreshold) {
        float[] thresholds = new float[rows.length];
        java.util.Arrays.fill(thresholds, scoreThreshold);
        return decode(output, anchors, thresholds);
    }

    /**
     * Candidates whose class scores at least that class's threshold, in anchor order.
     *
     * @param rowThresholds the score threshold of each output row
     */
    public List<Candidate> decode(float[] output, int anchors, float[] rowThresholds) {
        int classes = rows.length;
        if (rowThresholds.length != classes) {
            throw new IllegalArgumentException(rowThresholds.length + " thresholds for " + classes + " classes");
        }
        if (anchors < 0 || output.length != (4 + classes) * anchors) {
            throw new IllegalArgumentException("model output has " + output.length
                    + " values, expected (4 + " + classes + ") x " + anchors);
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < anchors; i++) {
            // The anchor's best class first (the first of equal ones, as numpy's argmax), then that
            // class's threshold: a look-alike that wins keeps the anchor from every damage type,
            // as in the Python reference (common.decode).
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float s = output[(4 + c) * anchors + i];
                if (s > bestScore || (best < 0 && !Float.isNaN(s))) {
                    best = c;
                    bestScore = s;
                }
            }
            if (best < 0 || Float.isNaN(bestScore) || rows[best] == null || !(bestScore >= rowThresholds[best])) {
                continue;
            }
            float w = output[2 * anchors + i];
            float h = output[3 * anchors + i];
            if (!(w > 0 && h > 0)) {
                continue; // degenerate boxes carry no location
            }
            out.add(new Candidate(
                    PixelBox.ofCentre(output[i], output[anchors + i], w, h), best, Math.min(1f, bestScore)));
        }
        return out;
    }

    /**
     * Candidates scoring at least the threshold of their damage type ({@link ModelSpec#scoreThreshold(DamageType)}:
     * the metadata's {@code thresholds.score_by_class}, else its one {@code score}), in anchor order.
     * The best class of an anchor is chosen first, as in {@link #decode(float[], int, float)}.
     */
    public List<Candidate> decode(float[] output, int anchors, ModelSpec spec) {
        return decode(output, anchors, spec.rowScoreThresholds());
    }

    /** The damage type of a candidate's class row (never a look-alike: those are not candidates). */
    public DamageType type(int classIndex) {
        return rows[classIndex];
    }
}
