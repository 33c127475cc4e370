package dk.vejsyn.inference.frame.track;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.GeoTag;
import io.jenetics.jpx.GPX;
import io.jenetics.jpx.WayPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * GPX 1.1 (and 1.0) via jpx: the points of all tracks ({@code trkpt}), or of all routes
 * ({@code rtept}) when there are no tracks. Uses time, elevation and, in GPX 1.0 files, the
 * {@code course} and {@code speed} elements (GPX 1.1 moved them to vendor extensions, which are
 * ignored: the heading and speed are then derived from movement). jpx does not report line numbers, so messages
 * name the point by its position ("track point 17").
 */
final class GpxTrackReader implements TrackReader {

    @Override
    public List<GeoTag> read(Path file) {
        GPX gpx = parse(file);
        List<WayPoint> points = gpx.tracks()
                .flatMap(t -> t.segments())
                .flatMap(s -> s.points())
                .collect(Collectors.toList());
        String kind = "track point";
        if (points.isEmpty()) {
            points = gpx.routes().flatMap(r -> r.points()).collect(Collectors.toList());
            kind = "route point";
        }
        if (points.isEmpty()) {
            throw new InputException(file + ": GPX file has no track or route points (trkpt/rtept)");
        }
        List<GeoTag> fixes = new ArrayList<>(points.size());
        Instant previous = null;
        for (int i = 0; i < points.size(); i++) {
            WayPoint p = points.get(i);
            String where = file + ": " + kind + " " + (i + 1);
            Instant time = p.getTime().orElseThrow(() -> new InputException(where + " has no <time>"));
            if (previous != null && time.isBefore(previous)) {
                // Segments appended out of order are recoverable by sorting, but a time that
                // jumps back inside one file usually means a mis-set clock: refuse to guess.
                throw new InputException(where + ": time " + time + " is before the previous point's " + previous);
            }
            previous = time;
            try {
                fixes.add(new GeoTag(p.getLatitude().doubleValue(), p.getLongitude().doubleValue(),
                        p.getCourse().map(c -> c.doubleValue()).orElse(Double.NaN),
                        p.getSpeed().map(s -> s.doubleValue()).orElse(Double.NaN),
                        time,
                        Double.NaN,
                        p.getElevation().map(e -> e.doubleValue()).orElse(Double.NaN)));
            } catch (IllegalArgumentException e) {
                throw new InputException(where + ": " + e.getMessage(), e);
            }
        }
        return fixes;
    }

    private static GPX parse(Path file) {
        try {
            if (Files.size(file) == 0) {
                throw new InputException(file + ": track file is empty");
            }
            // STRICT: a point with an out-of-range coordinate is an error, not silently dropped.
            return GPX.Reader.of(version(file), GPX.Reader.Mode.STRICT).read(file);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputException ie) {
                throw ie;
            }
            // jpx reports XML errors with line and column in the message.
            throw new InputException(file + ": not a valid GPX file: " + describe(e), e);
        }
    }

    /** GPX 1.0 files (which carry course and speed) need jpx's 1.0 reader; everything else is 1.1. */
    private static GPX.Version version(Path file) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(2048);
        }
        String start = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        return start.contains("topografix.com/GPX/1/0") ? GPX.Version.V10 : GPX.Version.V11;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String own = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e || root.getMessage() == null ? own : own + " (" + root.getMessage() + ")";
    }
}
