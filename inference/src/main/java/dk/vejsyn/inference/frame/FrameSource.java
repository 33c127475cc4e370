package dk.vejsyn.inference.frame;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the pipeline's frames come from: a video with a GPS track, a folder or zip of geotagged
 * stills, later live frames from vehicles. A source decodes, geotags and samples; what it returns
 * is ready for detection.
 *
 * <p>Pull frames with {@link #next()} until it is empty, then {@link #close()}. The caller owns
 * each returned {@link GeoFrame} and must close it. A source is used by one thread.
 */
public interface FrameSource extends AutoCloseable {

    /**
     * The next kept frame, or empty at the end of the input.
     *
     * @throws dk.vejsyn.inference.InputException when the input turns out to be unusable (a
     *     corrupt image, a video that yields no frame at all); the message names the file
     */
    Optional<GeoFrame> next();

    /**
     * How many frames the source expects to <em>read</em> (not keep), for a progress bar that
     * counts {@link SourceStats#framesRead()}; empty when unknown (a stream, a video without
     * duration).
     */
    OptionalLong expectedFrames();

    /** Live counters; see {@link SourceStats#snapshot()}. */
    SourceStats stats();

    /** The input's name for messages and the {@code source} property of findings. */
    String name();

    @Override
    void close();
}
