package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.pipeline.ObservationSink;
import dk.vejsyn.inference.pipeline.RunReport;
import java.nio.file.Path;

/**
 * A further place {@code detect} writes to besides its files, contributed by the module that owns
 * it: the service module adds the findings store ({@code --db}). An instance is added to the
 * {@code detect} command as a picocli mixin, so its options belong to that command; it composes
 * with the file outputs instead of subclassing the command.
 */
public interface DetectOutput extends AutoCloseable {

    /** Whether the user asked for this output (then {@code --out} is not required). */
    boolean requested();

    /**
     * Opens the output once the input has opened (so bad input fails before anything heavy).
     *
     * @param input the video, or the image folder or zip
     * @param camera the camera profile of the run
     */
    ObservationSink open(Path input, CameraModel camera);

    /** After a successful run: anything to tell the user (on stderr). */
    default void finished(RunReport report) {}

    /** Releases what {@link #open} started; called whether or not the run succeeded. */
    @Override
    default void close() {}

    /** No further output: {@code detect} writes its files only. */
    DetectOutput NONE = new DetectOutput() {
        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public ObservationSink open(Path input, CameraModel camera) {
            throw new IllegalStateException("not requested");
        }
    };
}
