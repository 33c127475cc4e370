package dk.vejsyn.inference.pipeline;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dk.vejsyn.inference.detect.PixelBox;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Cuts the evidence image of a detection: the damage region plus a small margin, never the whole
 * frame, so that stored evidence shows road surface and not people, plates or house fronts
 * (data minimisation). Used by the batch pipeline and by the service's live frame workers.
 */
public final class Evidence {
    /** Context kept around a box by default, pixels (as {@link PipelineSettings#defaults()}). */
    public static final int DEFAULT_MARGIN_PX = 16;

    private static final int JPEG_QUALITY = 85;

    private Evidence() {}

    /**
     * JPEG of {@code box} (frame pixels) plus {@code marginPx} on each side, clipped to the frame;
     * {@code null} when the clipped region is degenerate or cannot be encoded.
     */
    public static byte[] crop(Mat frame, PixelBox box, int marginPx) {
        int x1 = clamp((int) Math.floor(box.x1()) - marginPx, frame.cols());
        int y1 = clamp((int) Math.floor(box.y1()) - marginPx, frame.rows());
        int x2 = clamp((int) Math.ceil(box.x2()) + marginPx, frame.cols());
        int y2 = clamp((int) Math.ceil(box.y2()) + marginPx, frame.rows());
        if (x2 - x1 < 2 || y2 - y1 < 2) {
            return null;
        }
        try (Rect r = new Rect(x1, y1, x2 - x1, y2 - y1);
                Mat roi = new Mat(frame, r);
                BytePointer buf = new BytePointer();
                org.bytedeco.javacpp.IntPointer params = new org.bytedeco.javacpp.IntPointer(IMWRITE_JPEG_QUALITY, JPEG_QUALITY)) {
            if (!imencode(".jpg", roi, buf, params)) {
                return null;
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
