package dk.vejsyn.inference.render;

import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.geo.CameraModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Projects potholes' and distractors' edges into a camera to get their true pixel boxes. Kept
 * apart from the renderer so the ground truth needs no pixels.
 */
public final class PotholeProjector {
    private static final int OUTLINE_POINTS = 96;

    private PotholeProjector() {}

    /** Boxes of all potholes at least partly in view from road position {@code (s, d)}, nearest first. */
    public static List<PotholeView> visible(CameraModel camera, List<Pothole> potholes, double s, double d) {
        List<PotholeView> out = new ArrayList<>();
        for (Pothole p : potholes) {
            Footprint fp = p.footprint();
            if (fp.sMax() - s < 0.5) {
                continue;
            }
            project(camera, Arrays.asList(p.outline(OUTLINE_POINTS)), s, d).ifPresent(b -> out.add(new PotholeView(
                    p.id(), b.box(), Math.hypot(fp.centreS() - s, fp.centreD() - d), b.clipped())));
        }
        out.sort(Comparator.comparingDouble(PotholeView::distanceM));
        return out;
    }

    /** A distractor's true pixel box, as seen from road position {@code (s, d)}. */
    public record DistractorView(Distractor distractor, PixelBox box, double distanceM, boolean clipped) {}

    /** Boxes of all distractors at least partly in view from road position {@code (s, d)}, nearest first. */
    public static List<DistractorView> visibleDistractors(CameraModel camera, List<Distractor> distractors, double s,
            double d) {
        List<DistractorView> out = new ArrayList<>();
        for (Distractor x : distractors) {
            if (x.footprint().sMax() - s < 0.5) {
                continue;
            }
            project(camera, x.outline(), s, d).ifPresent(b -> out.add(
                    new DistractorView(x, b.box(), Math.hypot(x.sM() - s, x.dM() - d), b.clipped())));
        }
        out.sort(Comparator.comparingDouble(DistractorView::distanceM));
        return out;
    }

    private record Projected(PixelBox box, boolean clipped) {}

    /** Bounding box of ground points {@code {s, d}} in the image, clipped to it; empty when out of view. */
    private static Optional<Projected> project(CameraModel camera, List<double[]> outline, double s, double d) {
        int w = camera.imageWidth();
        int h = camera.imageHeight();
        double x1 = Double.MAX_VALUE, y1 = Double.MAX_VALUE, x2 = -Double.MAX_VALUE, y2 = -Double.MAX_VALUE;
        boolean behind = false;
        for (double[] q : outline) {
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
            return Optional.empty();
        }
        boolean clipped = behind || x1 < 0 || y1 < 0 || x2 > w || y2 > h;
        double cx1 = Math.max(0, x1), cy1 = Math.max(0, y1), cx2 = Math.min(w, x2), cy2 = Math.min(h, y2);
        if (cx2 - cx1 <= 0 || cy2 - cy1 <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Projected(new PixelBox(cx1, cy1, cx2, cy2), clipped));
    }
}
