package dk.vejsyn.inference.detect;

import dk.vejsyn.inference.frame.Frame;
import java.util.List;

/**
 * Finds road damage in a frame. Implementations are <em>not</em> thread-safe: use one detector
 * per worker thread (they hold a DJL {@code Predictor}) and close it with the worker.
 */
public interface Detector extends AutoCloseable {

    /** Detections in frame pixel coordinates, highest score first. */
    List<Detection> detect(Frame frame);

    @Override
    void close();
}
