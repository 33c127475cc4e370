package dk.vejsyn.inference.detect;

/**
 * An axis-aligned box in pixel coordinates of some image: x to the right, y downwards,
 * {@code (x1, y1)} the top-left and {@code (x2, y2)} the bottom-right corner, {@code x1 <= x2}
 * and {@code y1 <= y2}. Which image (model input or original frame) is stated where it is used.
 */
public record PixelBox(double x1, double y1, double x2, double y2) {
    public PixelBox {
        if (!(x1 <= x2) || !(y1 <= y2)) {
            throw new IllegalArgumentException(
                    "box corners out of order: (" + x1 + "," + y1 + ")-(" + x2 + "," + y2 + ")");
        }
    }

    public static PixelBox ofCentre(double cx, double cy, double w, double h) {
        return new PixelBox(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }

    public double area() {
        return width() * height();
    }

    public double centreX() {
        return (x1 + x2) / 2;
    }

    public double centreY() {
        return (y1 + y2) / 2;
    }

    /** Intersection over union with another box; 0 when either has no area. */
    public double iou(PixelBox o) {
        double iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
        double ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** This box clipped to {@code [0, width] x [0, height]}. */
    public PixelBox clip(double width, double height) {
        return new PixelBox(
                clamp(x1, width), clamp(y1, height), clamp(x2, width), clamp(y2, height));
    }

    private static double clamp(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }
}
