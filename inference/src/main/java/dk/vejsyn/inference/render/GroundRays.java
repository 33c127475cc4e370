package dk.vejsyn.inference.render;

import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.GroundPoint;
import java.util.Optional;

/**
 * Where each pixel's ray meets the road, for one camera: {@code forward[i]} and {@code right[i]}
 * in metres for pixel {@code i = row * width + col} (sampled at the pixel centre), or NaN for
 * pixels that see the sky or ground beyond {@code maxRangeM}. Computed with
 * {@link CameraModel#pixelToGround}, the same code the georeferencing uses, so rendered images
 * and located detections agree by construction.
 */
final class GroundRays {
    final CameraModel camera;
    final int width;
    final int height;
    final float[] forward;
    final float[] right;
    final double maxRangeM;

    GroundRays(CameraModel camera, double maxRangeM) {
        this.camera = camera;
        this.width = camera.imageWidth();
        this.height = camera.imageHeight();
        this.maxRangeM = maxRangeM;
        forward = new float[width * height];
        right = new float[width * height];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                Optional<GroundPoint> g = camera.pixelToGround(c + 0.5, r + 0.5);
                if (g.isPresent() && g.get().forwardM() <= maxRangeM) {
                    forward[i] = (float) g.get().forwardM();
                    right[i] = (float) g.get().rightM();
                } else {
                    forward[i] = Float.NaN;
                    right[i] = Float.NaN;
                }
            }
        }
    }
}
