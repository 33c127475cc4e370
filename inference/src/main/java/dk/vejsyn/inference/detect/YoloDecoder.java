package dk.vejsyn.inference.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the model's raw output into candidate boxes. The output is the row-major float array
 * of a {@code [1, 4 + C, N]} tensor: for anchor point {@code i}, {@code out[0*N+i]..out[3*N+i]}
 * are centre x, centre y, width, height in model-input pixels and {@code out[(4+c)*N+i]} is the
 * probability of class {@code c}.
 *
 * <p>Each anchor contributes at most one candidate: its best class, if that class scores at least
 * the threshold (the usual YOLOv8 decoding; a pothole is not also a crack at the same place).
 */
public final class YoloDecoder {
    private final List<DamageType> classes;

    public YoloDecoder(List<DamageType> classes) {
        this.classes = List.copyOf(classes);
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
        int rows = 4 + classes.size();
        if (anchors < 0 || output.length != rows * anchors) {
            throw new IllegalArgumentException("model output has " + output.length
                    + " values, expected (4 + " + classes.size() + ") x " + anchors);
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < anchors; i++) {
            int best = -1;
            float bestScore = scoreThreshold;
            for (int c = 0; c < classes.size(); c++) {
                float s = output[(4 + c) * anchors + i];
                if (s >= bestScore) {
                    best = c;
                    bestScore = s;
                }
            }
            if (best < 0 || Float.isNaN(bestScore)) {
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

    public DamageType type(int classIndex) {
        return classes.get(classIndex);
    }
}
