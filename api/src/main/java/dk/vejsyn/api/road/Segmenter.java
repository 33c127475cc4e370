package dk.vejsyn.api.road;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.linearref.LengthIndexedLine;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * Cuts roads into stretches, in a metric CRS: first at junctions (where another road crosses or
 * ends on it, within {@link #JUNCTION_TOLERANCE_M}), then each piece between junctions into equal
 * stretches of at most the configured length. So a stretch never spans a junction, and a road
 * longer than the maximum gives stretches between half the maximum and the maximum.
 */
final class Segmenter {
    /** A road ending this close to another counts as joining it (digitising gaps). */
    static final double JUNCTION_TOLERANCE_M = 0.5;
    /** Cuts closer than this to each other or to a road's end are dropped (no sliver stretches). */
    static final double MIN_PIECE_M = 1.0;

    record Line(String ref, String name, LineString geometry) {}

    record Piece(String ref, String name, LineString geometry) {}

    private Segmenter() {}

    static List<Piece> cut(List<Line> lines, double maxLengthM) {
        STRtree index = new STRtree();
        for (int i = 0; i < lines.size(); i++) {
            Envelope e = new Envelope(lines.get(i).geometry().getEnvelopeInternal());
            e.expandBy(JUNCTION_TOLERANCE_M);
            index.insert(e, i);
        }
        List<Piece> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            LineString g = line.geometry();
            double length = g.getLength();
            if (length < MIN_PIECE_M / 2) {
                continue;
            }
            LengthIndexedLine lil = new LengthIndexedLine(g);
            TreeSet<Double> cuts = new TreeSet<>();
            @SuppressWarnings("unchecked")
            List<Integer> near = index.query(g.getEnvelopeInternal());
            for (int j : near) {
                if (j == i) {
                    continue;
                }
                LineString other = lines.get(j).geometry();
                if (!g.getEnvelopeInternal().intersects(other.getEnvelopeInternal())
                        && g.distance(other) > JUNCTION_TOLERANCE_M) {
                    continue;
                }
                if (g.intersects(other)) {
                    Geometry x = g.intersection(other);
                    for (Coordinate c : x.getCoordinates()) {
                        cuts.add(lil.project(c));
                    }
                }
                // A road ending on this one (T junction), also when digitised a little short of it.
                for (Coordinate end : new Coordinate[] {other.getCoordinateN(0), other.getCoordinateN(other.getNumPoints() - 1)}) {
                    double at = lil.project(end);
                    if (lil.extractPoint(at).distance(end) <= JUNCTION_TOLERANCE_M) {
                        cuts.add(at);
                    }
                }
            }
            List<Double> stops = new ArrayList<>();
            stops.add(0.0);
            for (double c : cuts) {
                if (c - stops.get(stops.size() - 1) >= MIN_PIECE_M && length - c >= MIN_PIECE_M) {
                    stops.add(c);
                }
            }
            stops.add(length);
            for (int k = 0; k + 1 < stops.size(); k++) {
                double a = stops.get(k);
                double b = stops.get(k + 1);
                int n = Math.max(1, (int) Math.ceil((b - a) / maxLengthM - 1e-9));
                double step = (b - a) / n;
                for (int p = 0; p < n; p++) {
                    double from = a + p * step;
                    double to = p == n - 1 ? b : a + (p + 1) * step;
                    Geometry piece = lil.extractLine(from, to);
                    if (piece instanceof LineString ls && ls.getLength() >= MIN_PIECE_M / 2 && ls.getNumPoints() >= 2) {
                        out.add(new Piece(line.ref(), line.name(), ls));
                    }
                }
            }
        }
        return out;
    }
}
