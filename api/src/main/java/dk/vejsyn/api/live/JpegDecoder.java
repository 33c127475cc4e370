package dk.vejsyn.api.live;

import dk.vejsyn.inference.frame.Frame;
import java.time.Instant;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/** Decodes a live frame's JPEG into a {@link Frame}, or rejects it as corrupt. */
final class JpegDecoder {
    /** JPEG markers: start of image, end of image. */
    private static final int SOI = 0xFFD8;
    private static final int EOI = 0xFFD9;
    /** Some encoders pad after the end-of-image marker; look for it this far from the end. */
    private static final int EOI_SEARCH = 64;

    private JpegDecoder() {}

    /**
     * @throws FrameRejectedException {@link RejectReason#CORRUPT_JPEG} when the bytes are not a
     *     complete JPEG (no start or end marker: truncated) or cannot be decoded
     */
    static Frame decode(byte[] jpeg, String source, long index, Instant capturedAt) {
        if (jpeg.length < 4 || u16(jpeg, 0) != SOI) {
            throw new FrameRejectedException(RejectReason.CORRUPT_JPEG, "not a JPEG (no start-of-image marker)");
        }
        if (!hasEndMarker(jpeg)) {
            throw new FrameRejectedException(RejectReason.CORRUPT_JPEG, "truncated JPEG (no end-of-image marker)");
        }
        Mat image;
        try (BytePointer data = new BytePointer(jpeg);
                Mat encoded = new Mat(1, jpeg.length, opencv_core.CV_8UC1, data)) {
            image = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR);
        } catch (RuntimeException e) {
            throw new FrameRejectedException(RejectReason.CORRUPT_JPEG, "JPEG cannot be decoded: " + e.getMessage());
        }
        if (image == null || image.empty() || image.cols() < 32 || image.rows() < 32) {
            if (image != null) {
                image.close();
            }
            throw new FrameRejectedException(RejectReason.CORRUPT_JPEG, "JPEG data cannot be decoded into an image");
        }
        return new Frame(index, source, capturedAt, image);
    }

    private static boolean hasEndMarker(byte[] b) {
        for (int i = b.length - 2; i >= Math.max(2, b.length - EOI_SEARCH); i--) {
            if (u16(b, i) == EOI) {
                return true;
            }
        }
        return false;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
