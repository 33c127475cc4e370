package dk.vejsyn.inference.frame;

import java.util.Objects;

/** A frame together with the vehicle's position, heading and time when it was captured. */
public record GeoFrame(Frame frame, GeoTag tag) implements AutoCloseable {
    public GeoFrame {
        Objects.requireNonNull(frame, "frame");
        Objects.requireNonNull(tag, "tag");
    }

    @Override
    public void close() {
        frame.close();
    }
}
