package dk.vejsyn.inference.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Class-aware greedy non-maximum suppression: boxes of different classes never suppress each
 * other; within a class, a box is dropped when it overlaps a higher-scoring kept box by more
 * than the IoU threshold. Ties in score keep the earlier box (stable), so results are
 * deterministic.
 */
public final class Nms {
    private Nms() {}

    public static List<YoloDecoder.Candidate> apply(
            List<YoloDecoder.Candidate> candidates, float iouThreshold, int maxDetections) {
        List<YoloDecoder.Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble((YoloDecoder.Candidate c) -> c.score()).reversed());
        List<YoloDecoder.Candidate> kept = new ArrayList<>();
        for (YoloDecoder.Candidate c : sorted) {
            if (kept.size() >= maxDetections) {
                break;
            }
            boolean suppressed = false;
            for (YoloDecoder.Candidate k : kept) {
                if (k.classIndex() == c.classIndex() && k.box().iou(c.box()) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(c);
            }
        }
        return kept;
    }
}
