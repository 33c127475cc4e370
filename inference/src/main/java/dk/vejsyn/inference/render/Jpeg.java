package dk.vejsyn.inference.render;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/** JPEG encoding of rendered frames (libjpeg via OpenCV: same pixels, same bytes). */
final class Jpeg {
    private Jpeg() {}

    static byte[] encode(Mat bgr, int quality) {
        MatOfByte buf = new MatOfByte();
        try {
            if (!Imgcodecs.imencode(".jpg", bgr, buf, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality))) {
                throw new IllegalStateException("JPEG encoding failed");
            }
            return buf.toArray();
        } finally {
            buf.release();
        }
    }
}
