package dk.vejsyn.inference.frame.track;

import java.nio.file.Path;
import java.util.List;

import dk.vejsyn.inference.frame.GeoTag;

/**
 * Reads the GPS fixes of one track file format. Implementations check what they read (ranges,
 * checksums, time order) and report bad input as {@link dk.vejsyn.inference.InputException}
 * naming the file and the line (or point) at fault. Use {@link Tracks#read} to pick one.
 */
public interface TrackReader {

    /** The fixes in file order; at least one, else an {@code InputException}. */
    List<GeoTag> read(Path file);
}
