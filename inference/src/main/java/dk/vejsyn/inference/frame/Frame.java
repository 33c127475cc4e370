package dk.vejsyn.inference.frame;

import java.time.Instant;
import java.util.Objects;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded camera image: BGR pixels (OpenCV {@code CV_8UC3}) plus where it came from.
 *
 * <p>A frame owns its native pixel buffer: close it when done (the pipeline does this after the
 * last stage that needs pixels). {@code index} is the frame's position in its source (video
 * frame number, or image order in a folder); {@code source} names the file for messages.
 */
public final class Frame implements AutoCloseable {
    private final long index;
    private final String source;
    private final Instant capturedAt;
    private final Mat image;

    public Frame(long index, String source, Instant capturedAt, Mat image) {
        this.index = index;
        this.source = Objects.requireNonNull(source, "source");
        this.capturedAt = capturedAt;
        this.image = Objects.requireNonNull(image, "image");
        if (image.empty()) {
            throw new IllegalArgumentException("empty image for frame " + index + " of " + source);
        }
    }

    public long index() {
        return index;
    }

    public String source() {
        return source;
    }

    /** Capture time, or {@code null} if the source does not know it. */
    public Instant capturedAt() {
        return capturedAt;
    }

    /** BGR, 8 bits per channel. Owned by this frame: do not close it yourself. */
    public Mat image() {
        return image;
    }

    public int width() {
        return image.cols();
    }

    public int height() {
        return image.rows();
    }

    @Override
    public void close() {
        image.close();
    }

    @Override
    public String toString() {
        return "Frame[" + source + "#" + index + " " + width() + "x" + height() + "]";
    }
}
