package dk.vejsyn.api.road;

import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.LineSegment;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.linearref.LengthIndexedLine;

/**
 * Whether a drive's track ran along a segment, in a metric CRS. The segment is sampled every
 * {@link #STEP_M} (at least 10 samples); a sample counts when a piece of the track passes within
 * the distance tolerance and runs, there, within the heading tolerance of the segment's direction
 * (either way along it). The covered share is the share of samples that count. So a track
 * crossing a road at a junction covers only the metres of the crossing, a track on a parallel road
 * farther than the tolerance covers nothing, and a drive that passes twice counts where either
 * pass ran along.
 */
final class TrackCoverage {
    static final double STEP_M = 2.0;
    /** Track and segment directions are taken over this many metres either side (GPS jitter). */
    static final double HEADING_SPAN_M = 5.0;

    private record Piece(LineSegment segment, double heading) {}

    private final double distanceM;
    private final double headingDeg;
    private final STRtree pieces = new STRtree();
    private final boolean empty;

    /** Indexes the track's pieces with their smoothed direction. */
    TrackCoverage(LineString track, double distanceM, double headingDeg) {
        this.distanceM = distanceM;
        this.headingDeg = headingDeg;
        LengthIndexedLine line = new LengthIndexedLine(track);
        double total = track.getLength();
        double along = 0;
        int n = 0;
        for (int i = 0; i + 1 < track.getNumPoints(); i++) {
            Coordinate a = track.getCoordinateN(i);
            Coordinate b = track.getCoordinateN(i + 1);
            double len = a.distance(b);
            if (len > 0) {
                double heading = direction(line.extractPoint(Math.max(0, along - HEADING_SPAN_M)),
                        line.extractPoint(Math.min(total, along + len + HEADING_SPAN_M)));
                if (!Double.isNaN(heading)) {
                    LineSegment s = new LineSegment(a, b);
                    Envelope e = new Envelope(a, b);
                    pieces.insert(e, new Piece(s, heading));
                    n++;
                }
            }
            along += len;
        }
        empty = n == 0;
    }

    /** The share (0–1) of {@code segment} the track runs along. */
    double coveredShare(LineString segment) {
        double length = segment.getLength();
        if (length <= 0 || empty) {
            return 0;
        }
        int samples = Math.max(10, (int) Math.ceil(length / STEP_M));
        LengthIndexedLine seg = new LengthIndexedLine(segment);
        int covered = 0;
        for (int i = 0; i < samples; i++) {
            double at = (i + 0.5) * length / samples;
            Coordinate p = seg.extractPoint(at);
            double segHeading = direction(seg.extractPoint(Math.max(0, at - HEADING_SPAN_M)),
                    seg.extractPoint(Math.min(length, at + HEADING_SPAN_M)));
            if (Double.isNaN(segHeading)) {
                continue;
            }
            Envelope around = new Envelope(p);
            around.expandBy(distanceM);
            @SuppressWarnings("unchecked")
            List<Piece> near = pieces.query(around);
            for (Piece piece : near) {
                if (piece.segment().distance(p) <= distanceM && angle(segHeading, piece.heading()) <= headingDeg) {
                    covered++;
                    break;
                }
            }
        }
        return (double) covered / samples;
    }

    /** The angle between two directions, ignoring which way along: 0–90°. */
    static double angle(double a, double b) {
        double diff = Math.abs(a - b) % 180;
        return Math.min(diff, 180 - diff);
    }

    /** Direction from p to q in degrees clockwise from north (the metric CRS's y axis), NaN when they coincide. */
    static double direction(Coordinate p, Coordinate q) {
        double dx = q.x - p.x;
        double dy = q.y - p.y;
        if (Math.hypot(dx, dy) < 1e-6) {
            return Double.NaN;
        }
        double deg = Math.toDegrees(Math.atan2(dx, dy));
        return deg < 0 ? deg + 360 : deg;
    }
}
