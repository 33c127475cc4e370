package dk.vejsyn.inference.render;

import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores located sightings against ground truth the way the end-to-end tests need it: one
 * pothole is seen in many frames, so sightings are first clustered (each joins the nearest
 * cluster whose mean is within the radius, else starts one), then clusters and true potholes are
 * matched one-to-one, closest pairs first, within the same radius.
 */
public final class GroundTruthMatcher {
    private GroundTruthMatcher() {}

    /** A cluster of sightings with its mean position. */
    public record Cluster(LatLon mean, int sightings) {}

    /** A matched pair and the distance between them. */
    public record Match(GroundTruth.Item truth, Cluster cluster, double errorM) {}

    /** Matches, unmatched truth (misses), unmatched clusters (false alarms). */
    public record Result(List<Match> matches, List<GroundTruth.Item> missed, List<Cluster> falseAlarms) {

        public double recall() {
            int n = matches.size() + missed.size();
            return n == 0 ? 1 : (double) matches.size() / n;
        }

        public double precision() {
            int n = matches.size() + falseAlarms.size();
            return n == 0 ? 1 : (double) matches.size() / n;
        }

        /** Median position error of the matches in metres (NaN when none). */
        public double medianErrorM() {
            double[] e = matches.stream().mapToDouble(Match::errorM).sorted().toArray();
            if (e.length == 0) {
                return Double.NaN;
            }
            return e.length % 2 == 1 ? e[e.length / 2] : (e[e.length / 2 - 1] + e[e.length / 2]) / 2;
        }
    }

    public static List<Cluster> cluster(List<LatLon> sightings, double radiusM) {
        List<double[]> sums = new ArrayList<>(); // lat sum, lon sum, count
        for (LatLon p : sightings) {
            int best = -1;
            double bestD = radiusM;
            for (int i = 0; i < sums.size(); i++) {
                double[] s = sums.get(i);
                double d = Georeferencer.distanceM(p.lat(), p.lon(), s[0] / s[2], s[1] / s[2]);
                if (d <= bestD) {
                    bestD = d;
                    best = i;
                }
            }
            if (best < 0) {
                sums.add(new double[] {p.lat(), p.lon(), 1});
            } else {
                double[] s = sums.get(best);
                s[0] += p.lat();
                s[1] += p.lon();
                s[2] += 1;
            }
        }
        return sums.stream().map(s -> new Cluster(new LatLon(s[0] / s[2], s[1] / s[2]), (int) s[2])).toList();
    }

    public static Result match(List<LatLon> sightings, List<GroundTruth.Item> truth, double radiusM) {
        List<Cluster> clusters = cluster(sightings, radiusM);
        List<double[]> pairs = new ArrayList<>(); // distance, truth index, cluster index
        for (int t = 0; t < truth.size(); t++) {
            for (int c = 0; c < clusters.size(); c++) {
                LatLon a = truth.get(t).position();
                LatLon b = clusters.get(c).mean();
                double d = Georeferencer.distanceM(a.lat(), a.lon(), b.lat(), b.lon());
                if (d <= radiusM) {
                    pairs.add(new double[] {d, t, c});
                }
            }
        }
        pairs.sort((x, y) -> Double.compare(x[0], y[0]));
        boolean[] usedT = new boolean[truth.size()];
        boolean[] usedC = new boolean[clusters.size()];
        List<Match> matches = new ArrayList<>();
        for (double[] p : pairs) {
            int t = (int) p[1];
            int c = (int) p[2];
            if (!usedT[t] && !usedC[c]) {
                usedT[t] = true;
                usedC[c] = true;
                matches.add(new Match(truth.get(t), clusters.get(c), p[0]));
            }
        }
        List<GroundTruth.Item> missed = new ArrayList<>();
        for (int t = 0; t < truth.size(); t++) {
            if (!usedT[t]) {
                missed.add(truth.get(t));
            }
        }
        List<Cluster> fa = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            if (!usedC[c]) {
                fa.add(clusters.get(c));
            }
        }
        return new Result(matches, missed, fa);
    }
}
