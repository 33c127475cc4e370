package dk.vejsyn.inference.render;

import dk.vejsyn.inference.frame.GeoTag;
import io.jenetics.jpx.GPX;
import io.jenetics.jpx.Track;
import io.jenetics.jpx.TrackSegment;
import io.jenetics.jpx.WayPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes a track as GPX 1.1 (one segment; position, elevation and UTC time per point). */
final class GpxTrackWriter {
    private GpxTrackWriter() {}

    static void write(Path file, String name, List<GeoTag> points) throws IOException {
        TrackSegment.Builder seg = TrackSegment.builder();
        for (GeoTag p : points) {
            WayPoint.Builder wp = WayPoint.builder().lat(round(p.lat())).lon(round(p.lon())).time(p.time());
            if (!Double.isNaN(p.altitudeM())) {
                wp.ele(p.altitudeM());
            }
            seg.addPoint(wp.build());
        }
        GPX gpx = GPX.builder(GPX.Version.V11, "vejsyn render-drive")
                .addTrack(Track.builder().name(name).addSegment(seg.build()).build())
                .build();
        GPX.Writer.of(GPX.Writer.Indent.SPACE2, 9).write(gpx, file);
    }

    private static double round(double deg) {
        return Math.rint(deg * 1e9) / 1e9;
    }
}
