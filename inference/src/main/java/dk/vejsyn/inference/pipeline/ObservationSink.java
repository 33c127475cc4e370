package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Observation;

/**
 * Where a pipeline delivers located observations: a GeoJSON or CSV file, the findings store.
 * The pipeline calls {@link #accept} from several worker threads (implementations synchronise),
 * then {@link #complete()} once after a successful run, or {@link #abort()} after a failed one so
 * that no half-written output is left behind.
 */
public interface ObservationSink extends AutoCloseable {

    void accept(Observation observation);

    /**
     * Called once per processed frame, after its observations: where the vehicle was and that
     * the camera looked. The findings store uses this for the drive's track and for "not seen"
     * evidence on a re-drive; file sinks ignore it.
     */
    default void frameProcessed(GeoTag vehicle, String source, long frameIndex) {}

    /** Called once when every observation has been accepted; makes the output visible. */
    void complete();

    /** Called instead of {@link #complete()} when the run failed; discards partial output. */
    default void abort() {}

    @Override
    default void close() {}
}
