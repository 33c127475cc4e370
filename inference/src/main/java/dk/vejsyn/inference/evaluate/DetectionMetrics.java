package dk.vejsyn.inference.evaluate;

import dk.vejsyn.inference.detect.PixelBox;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Object-detection metrics with the same protocol as the Python reference evaluator
 * ({@code models/training/common.py}): per class, detections matched greedily by descending
 * score to the unmatched ground truth of highest IoU (match if IoU ≥ threshold); COCO 101-point
 * interpolated AP at IoU 0.50 and averaged over 0.50:0.05:0.95; mean over classes that have
 * ground truth; precision, recall and F1 at a score threshold over the first 100 detections of
 * each image.
 *
 * <p>Not thread-safe: add images from one thread.
 */
public final class DetectionMetrics {
    private final int classes;
    private final List<ImageResult> images = new ArrayList<>();

    /** One scored detection in image pixels. */
    public record Scored(int classId, PixelBox box, double score) {}

    private record ImageResult(List<Scored> detections, List<GroundTruth.Box> truth) {}

    /** Summary figures. */
    public record Summary(double map50, double map5095, double precision, double recall, double f1, int images) {
        /** The machine-readable line both evaluators print last. */
        public String line() {
            return String.format(Locale.ROOT, "mAP50=%.4f mAP50_95=%.4f precision=%.4f recall=%.4f f1=%.4f images=%d",
                    map50, map5095, precision, recall, f1, images);
        }
    }

    public DetectionMetrics(int classes) {
        this.classes = classes;
    }

    /** Adds one image: its detections (any order) and its labelled boxes. */
    public void add(List<Scored> detections, List<GroundTruth.Box> truth) {
        List<Scored> sorted = new ArrayList<>(detections);
        sorted.sort(Comparator.comparingDouble(Scored::score).reversed());
        images.add(new ImageResult(sorted, List.copyOf(truth)));
    }

    public int imageCount() {
        return images.size();
    }

    public Summary summary(double scoreThreshold) {
        double[] map = map();
        double[] prf = prf(scoreThreshold, 100, 0.5);
        return new Summary(map[0], map[1], prf[0], prf[1], prf[2], images.size());
    }

    /** {mAP@0.5, mAP@0.5:0.95}. */
    public double[] map() {
        double sum50 = 0;
        double sumAll = 0;
        int n = 0;
        for (int c = 0; c < classes; c++) {
            double first = Double.NaN;
            double total = 0;
            for (int k = 0; k < 10; k++) {
                double t = 0.5 + 0.05 * k;
                Matches m = matches(c, t, Double.NaN, Integer.MAX_VALUE);
                double ap = ap101(m.tp, m.groundTruth);
                if (k == 0) {
                    first = ap;
                }
                total += ap;
            }
            if (Double.isNaN(first)) {
                continue;
            }
            sum50 += first;
            sumAll += total / 10;
            n++;
        }
        return n == 0 ? new double[] {0, 0} : new double[] {sum50 / n, sumAll / n};
    }

    /** {precision, recall, F1} at a score threshold, first {@code maxDet} detections per image. */
    public double[] prf(double scoreThreshold, int maxDet, double iouThreshold) {
        long tp = 0;
        long det = 0;
        long gt = 0;
        for (int c = 0; c < classes; c++) {
            Matches m = matches(c, iouThreshold, scoreThreshold, maxDet);
            for (boolean b : m.tp) {
                tp += b ? 1 : 0;
            }
            det += m.tp.length;
            gt += m.groundTruth;
        }
        double p = det == 0 ? 0 : (double) tp / det;
        double r = gt == 0 ? 0 : (double) tp / gt;
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        return new double[] {p, r, f1};
    }

    private record Matches(boolean[] tp, int groundTruth) {}

    private record Flagged(double score, boolean tp) {}

    private Matches matches(int c, double iouThreshold, double scoreThreshold, int maxDet) {
        List<Flagged> all = new ArrayList<>();
        int gtCount = 0;
        for (ImageResult img : images) {
            List<Scored> dets = new ArrayList<>();
            List<Scored> firstN = img.detections.subList(0, Math.min(maxDet, img.detections.size()));
            for (Scored s : firstN) {
                if (s.classId() == c && (Double.isNaN(scoreThreshold) || s.score() >= scoreThreshold)) {
                    dets.add(s);
                }
            }
            List<PixelBox> gts = img.truth.stream().filter(b -> b.classId() == c).map(GroundTruth.Box::box).toList();
            gtCount += gts.size();
            boolean[] used = new boolean[gts.size()];
            for (Scored d : dets) { // already in descending score order
                int best = -1;
                double bestIou = -1;
                for (int j = 0; j < gts.size(); j++) {
                    double iou = used[j] ? -1 : d.box().iou(gts.get(j));
                    if (iou > bestIou) {
                        bestIou = iou;
                        best = j;
                    }
                }
                boolean hit = best >= 0 && bestIou >= iouThreshold;
                if (hit) {
                    used[best] = true;
                }
                all.add(new Flagged(d.score(), hit));
            }
        }
        // Stable sort by descending score across images, as numpy's argsort(kind="stable").
        all.sort(Comparator.comparingDouble(Flagged::score).reversed());
        boolean[] tp = new boolean[all.size()];
        for (int i = 0; i < tp.length; i++) {
            tp[i] = all.get(i).tp();
        }
        return new Matches(tp, gtCount);
    }

    /** COCO 101-point interpolated AP from TP flags in descending score order; NaN without ground truth. */
    static double ap101(boolean[] tp, int groundTruth) {
        if (groundTruth == 0) {
            return Double.NaN;
        }
        int n = tp.length;
        if (n == 0) {
            return 0;
        }
        double[] rec = new double[n];
        double[] prec = new double[n];
        int tpc = 0;
        for (int i = 0; i < n; i++) {
            tpc += tp[i] ? 1 : 0;
            rec[i] = (double) tpc / groundTruth;
            prec[i] = (double) tpc / (i + 1);
        }
        for (int i = n - 2; i >= 0; i--) {
            prec[i] = Math.max(prec[i], prec[i + 1]);
        }
        double sum = 0;
        for (int k = 0; k <= 100; k++) {
            double r = k / 100.0;
            int idx = lowerBound(rec, r);
            sum += idx < n ? prec[idx] : 0;
        }
        return sum / 101;
    }

    /** First index with {@code a[i] >= x} (numpy searchsorted side="left"). */
    private static int lowerBound(double[] a, double x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
