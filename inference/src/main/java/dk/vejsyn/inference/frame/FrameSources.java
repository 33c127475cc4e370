package dk.vejsyn.inference.frame;

import dk.vejsyn.inference.frame.track.Track;
import dk.vejsyn.inference.frame.track.Tracks;
import java.nio.file.Path;

/**
 * Entry point for the pipeline and the CLI: opens the right {@link FrameSource} for an input.
 * Every method checks its input up front and throws {@link dk.vejsyn.inference.InputException}
 * naming the file before any frame is produced, so no output is started for unusable input.
 */
public final class FrameSources {

    private FrameSources() {}

    /** A video (MP4, MOV, MKV) with its GPS track file (GPX, NMEA or CSV). */
    public static FrameSource video(Path video, Path track, SourceOptions options) {
        Track t = Tracks.read(track, options.minHeadingTravelM());
        return new VideoSource(video, t, options);
    }

    /** A video with an already loaded track. */
    public static FrameSource video(Path video, Track track, SourceOptions options) {
        return new VideoSource(video, track, options);
    }

    /** Geotagged JPEGs in a folder or a zip archive. */
    public static FrameSource images(Path dirOrZip, SourceOptions options) {
        return new ImageFolderSource(dirOrZip, options);
    }
}
