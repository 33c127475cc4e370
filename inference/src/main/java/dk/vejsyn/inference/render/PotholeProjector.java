package dk.vejsyn.inference.render;

import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.geo.CameraModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Projects potholes' edges into a camera to get their true pixel boxes. Kept apart from the
 * renderer so the ground truth needs no pixels.
 */
public final class PotholeProjector {
    private static final int OUTLINE_POINTS = 96;

    private PotholeProjector() {}

    /** Boxes of all potholes at least partly in view from road position {@code (s, d)}, nearest first. */
    public static List<PotholeView> visible(CameraModel camera, List<Pothole> potholes, double s, double d) {
        List<PotholeView> out = new ArrayList<>();
        int w = camera.imageWidth();
        int h = camera.imageHeight();
        for (Pothole p : potholes) {
            Footprint fp = p.footprint();
            if (fp.sMax() - s < 0.5) {
                continue;
            }
            double x1 = Double.MAX_VALUE, y1 = Double.MAX_VALUE, x2 = -Double.MAX_VALUE, y2 = -Double.MAX_VALUE;
            boolean behind = false;
            for (double[] q : p.outline(OUTLINE_POINTS)) {
                Optional<double[]> px = camera.worldToPixel(q[0] - s, q[1] - d, 0);
                if (px.isEmpty()) {
                    behind = true;
                    continue;
                }
                x1 = Math.min(x1, px.get()[0]);
                y1 = Math.min(y1, px.get()[1]);
                x2 = Math.max(x2, px.get()[0]);
                y2 = Math.max(y2, px.get()[1]);
            }
            if (x1 > x2) {
                continue;
            }
            boolean clipped = behind || x1 < 0 || y1 < 0 || x2 > w || y2 > h;
            double cx1 = Math.max(0, x1), cy1 = Math.max(0, y1), cx2 = Math.min(w, x2), cy2 = Math.min(h, y2);
            if (cx2 - cx1 <= 0 || cy2 - cy1 <= 0) {
                continue;
            }
            double dist = Math.hypot(fp.centreS() - s, fp.centreD() - d);
            out.add(new PotholeView(p.id(), new PixelBox(cx1, cy1, cx2, cy2), dist, clipped));
        }
        out.sort(Comparator.comparingDouble(PotholeView::distanceM));
        return out;
    }
}
