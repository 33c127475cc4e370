package dk.vejsyn.inference.render;

import dk.vejsyn.inference.geo.CameraModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Renders what a forward-facing camera sees of a {@link RoadScene}: the ground by resampling
 * the scene's {@link RoadSurface} through per-pixel ground rays ({@code remap}), then haze and
 * wet sheen, roadside objects as projected shapes, colour grading, rain and sensor grain.
 *
 * <p>The camera's pose is given in road coordinates: its foot point at {@code (s, d)}, looking
 * along the road. Everything about the camera and weather that does not change between frames
 * is computed once here, so a 1280x720 frame costs a few tens of milliseconds.
 *
 * <p>Not thread-safe (reuses buffers); use one per thread. Call {@link #close()} to free the
 * native buffers.
 *
 * <p>Why one class of about 450 lines: a development tool (demo footage and training scenes, never
 * used by the service), whose passes share the per-camera buffers computed once in the
 * constructor; split, each pass would need them handed over.
 */
public final class SceneRenderer implements AutoCloseable {
    private static final double MAX_RANGE_M = 150;

    private final CameraModel camera;
    private final RoadScene scene;
    private final RoadSurface surface;
    private final int width;
    private final int height;
    private final Band[] bands = new Band[3];
    private final Mat background;
    private final Mat hazeColour;
    private final Mat keepWeight;
    private final Mat hazeWeight;
    private final Mat[] grain = new Mat[4];
    private final Mat frame;
    private final Mat blended;
    private final Mat streaks;

    /** Rows of the image whose ground pixels sample one level of detail, with their base maps. */
    private static final class Band {
        int row0;
        int row1;
        Mat baseX;
        Mat baseY;
        Mat mapX = new Mat();
        Mat mapY = new Mat();
        float minF = Float.MAX_VALUE;
        float maxF = -Float.MAX_VALUE;
    }

    /** A renderer for one camera and scene; builds the scene's ground texture. */
    public SceneRenderer(CameraModel camera, RoadScene scene) {
        OpenCv.load();
        this.camera = camera;
        this.scene = scene;
        this.width = camera.imageWidth();
        this.height = camera.imageHeight();
        this.surface = RoadSurface.build(scene);
        GroundRays rays = new GroundRays(camera, MAX_RANGE_M);
        buildBands(rays);
        Weather w = scene.weather();
        this.background = buildBackground(rays, w);
        this.hazeColour = new Mat(height, width, CvType.CV_8UC3, scalar(w.skyHorizon()));
        this.keepWeight = new Mat(height, width, CvType.CV_32F);
        this.hazeWeight = new Mat(height, width, CvType.CV_32F);
        buildHaze(rays, w);
        byte[][] g = grainFor(width, height);
        for (int k = 0; k < grain.length; k++) {
            grain[k] = new Mat(height, width, CvType.CV_8UC3);
            grain[k].put(0, 0, g[k]);
        }
        this.frame = new Mat(height, width, CvType.CV_8UC3);
        this.blended = new Mat(height, width, CvType.CV_8UC3);
        this.streaks = new Mat(height, width, CvType.CV_8UC3);
    }

    private static final java.util.Map<Long, byte[][]> GRAIN = new java.util.concurrent.ConcurrentHashMap<>();

    /** Sensor grain patterns for one image size (fixed seed, shared: they cost ~100 ms to make). */
    private static byte[][] grainFor(int width, int height) {
        return GRAIN.computeIfAbsent(width * 100_000L + height, key -> {
            SplittableRandom rnd = new SplittableRandom(key);
            byte[][] g = new byte[4][width * height * 3];
            for (byte[] b : g) {
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(7);
                }
            }
            return g;
        });
    }

    public CameraModel camera() {
        return camera;
    }

    public RoadScene scene() {
        return scene;
    }

    private void buildBands(GroundRays rays) {
        // Level of detail per pixel from how many texels along the road one image row spans.
        int[] level = new int[width * height];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                float f = rays.forward[i];
                if (Float.isNaN(f)) {
                    level[i] = -1;
                    continue;
                }
                float below = r + 1 < height ? rays.forward[i + width] : Float.NaN;
                double span = Float.isNaN(below) ? 0 : Math.abs(f - below) / RoadSurface.RES_M;
                level[i] = span < 3 ? 0 : span < 12 ? 1 : 2;
            }
        }
        for (int k = 0; k < bands.length; k++) {
            Band b = new Band();
            b.row0 = Integer.MAX_VALUE;
            b.row1 = -1;
            for (int i = 0; i < level.length; i++) {
                if (level[i] == k) {
                    int r = i / width;
                    b.row0 = Math.min(b.row0, r);
                    b.row1 = Math.max(b.row1, r);
                    b.minF = Math.min(b.minF, rays.forward[i]);
                    b.maxF = Math.max(b.maxF, rays.forward[i]);
                }
            }
            if (b.row1 < 0) {
                bands[k] = null;
                continue;
            }
            int n = b.row1 - b.row0 + 1;
            float[] x = new float[n * width];
            float[] y = new float[n * width];
            double sx = RoadSurface.RES_M * surface.kx[k];
            double sy = RoadSurface.RES_M * surface.ky[k];
            for (int r = b.row0; r <= b.row1; r++) {
                for (int c = 0; c < width; c++) {
                    int i = r * width + c;
                    int o = (r - b.row0) * width + c;
                    if (level[i] == k) {
                        x[o] = (float) (rays.right[i] / sx);
                        y[o] = (float) (rays.forward[i] / sy);
                    } else {
                        // Far outside any texture: remap leaves these pixels alone.
                        x[o] = -1e6f;
                        y[o] = -1e6f;
                    }
                }
            }
            b.baseX = new Mat(n, width, CvType.CV_32F);
            b.baseX.put(0, 0, x);
            b.baseY = new Mat(n, width, CvType.CV_32F);
            b.baseY.put(0, 0, y);
            bands[k] = b;
        }
    }

    /** Sky gradient above the horizon, haze colour on ground beyond the texture. */
    private Mat buildBackground(GroundRays rays, Weather w) {
        Mat bg = new Mat(height, width, CvType.CV_8UC3);
        byte[] px = new byte[width * height * 3];
        double horizon = Math.max(1, camera.horizonRow());
        double[] top = w.skyTop();
        double[] hor = w.skyHorizon();
        for (int r = 0; r < height; r++) {
            double t = Math.min(1, Math.max(0, r / horizon));
            t = Math.pow(t, 1.6);
            for (int c = 0; c < width; c++) {
                int o = (r * width + c) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    px[o + ch] = RoadSurface.clamp(top[ch] + (hor[ch] - top[ch]) * t);
                }
            }
        }
        // Ground beyond the texture's sides (yards, fields): a dull verge colour, hazed later.
        double[] beyond = scene.layout().verge() == RoadLayout.Verge.GRASS ? new double[] {60, 100, 80}
                : new double[] {120, 122, 125};
        for (int i = 0; i < rays.forward.length; i++) {
            if (!Float.isNaN(rays.forward[i])) {
                int o = i * 3;
                for (int ch = 0; ch < 3; ch++) {
                    px[o + ch] = RoadSurface.clamp(beyond[ch] * (1 - 0.3 * w.wetness()));
                }
            }
        }
        bg.put(0, 0, px);
        return bg;
    }

    /** Haze by distance, plus the sky's reflection on a wet road (stronger at grazing angles). */
    private void buildHaze(GroundRays rays, Weather w) {
        float[] keep = new float[width * height];
        float[] haze = new float[width * height];
        for (int i = 0; i < keep.length; i++) {
            float f = rays.forward[i];
            double h = 0;
            if (!Float.isNaN(f)) {
                double fog = 1 - Math.exp(-f / w.visibilityM());
                double sheen = w.wetness() * (0.08 + 0.45 * f / (f + 25));
                h = 1 - (1 - fog) * (1 - sheen);
            }
            haze[i] = (float) h;
            keep[i] = (float) (1 - h);
        }
        keepWeight.put(0, 0, keep);
        hazeWeight.put(0, 0, haze);
    }

    /**
     * Renders the frame seen from road position {@code (s, d)}; {@code frameIndex} varies only
     * the rain and grain. Returns a BGR 8UC3 Mat owned by the caller.
     */
    public Mat render(double s, double d, long frameIndex) {
        background.copyTo(frame);
        for (int k = 0; k < bands.length; k++) {
            Band b = bands[k];
            if (b == null) {
                continue;
            }
            Mat lv = surface.levels[k];
            double sy = RoadSurface.RES_M * surface.ky[k];
            double sx = RoadSurface.RES_M * surface.kx[k];
            double offY = (s - surface.sStart) / sy - 0.5;
            double offX = (d - surface.dMin) / sx - 0.5;
            int roi0 = (int) Math.max(0, Math.floor(b.minF / sy + offY) - 2);
            int roi1 = (int) Math.min(lv.rows(), Math.ceil(b.maxF / sy + offY) + 3);
            if (roi1 - roi0 < 2) {
                continue;
            }
            Core.add(b.baseX, new Scalar(offX), b.mapX);
            Core.add(b.baseY, new Scalar(offY - roi0), b.mapY);
            Mat dst = frame.submat(b.row0, b.row1 + 1, 0, width);
            Imgproc.remap(lv.submat(roi0, roi1, 0, lv.cols()), dst, b.mapX, b.mapY, Imgproc.INTER_LINEAR,
                    Core.BORDER_TRANSPARENT, new Scalar(0, 0, 0));
        }
        Imgproc.blendLinear(frame, hazeColour, keepWeight, hazeWeight, blended);
        drawRoadside(blended, s, d);
        Weather w = scene.weather();
        double alpha = w.exposure() * w.contrast();
        double beta = 128 * w.exposure() * (1 - w.contrast());
        blended.convertTo(blended, -1, alpha, beta);
        Core.multiply(blended, new Scalar(w.tint()[0], w.tint()[1], w.tint()[2]), blended);
        if (w.rain() > 0) {
            drawRain(blended, frameIndex, w.rain());
        }
        Core.add(blended, grain[(int) Math.floorMod(frameIndex, grain.length)], blended);
        Core.subtract(blended, grain[(int) Math.floorMod(frameIndex + 1, grain.length)], blended);
        return blended.clone();
    }

    private void drawRain(Mat img, long frameIndex, double rain) {
        streaks.setTo(new Scalar(0, 0, 0));
        SplittableRandom rnd = new SplittableRandom(scene.seed() * 31 + frameIndex);
        int n = (int) (rain * 400);
        for (int i = 0; i < n; i++) {
            double x = rnd.nextDouble() * width;
            double y = rnd.nextDouble() * height;
            double len = 8 + rnd.nextDouble() * 25;
            double slant = 0.15 + 0.1 * rnd.nextDouble();
            int v = 25 + rnd.nextInt(35);
            Imgproc.line(streaks, new Point(x, y), new Point(x + slant * len, y + len), new Scalar(v, v, v), 1,
                    Imgproc.LINE_AA);
        }
        Core.add(img, streaks, img);
        Imgproc.GaussianBlur(img, img, new Size(3, 3), 0);
    }

    /** Buildings, trees and posts, far to near, each faded into the haze by its own distance. */
    private void drawRoadside(Mat img, double s0, double d0) {
        List<RoadsideObject> objs = new ArrayList<>();
        for (RoadsideObject o : scene.roadside()) {
            double f = o.sM() - s0;
            double end = o.kind() == RoadsideObject.Kind.BUILDING ? f + o.lengthM() : f;
            if (end > 1.0 && f < MAX_RANGE_M) {
                objs.add(o);
            }
        }
        objs.sort(Comparator.comparingDouble((RoadsideObject o) -> -(o.sM() - s0)));
        Weather w = scene.weather();
        for (RoadsideObject o : objs) {
            double f = Math.max(1.0, o.sM() - s0);
            double r = o.dM() - d0;
            double[] col = fade(o.colour(), w, f + (o.kind() == RoadsideObject.Kind.BUILDING ? o.lengthM() / 2 : 0));
            switch (o.kind()) {
                case BUILDING -> drawBuilding(img, o, s0, d0, col, w);
                case TREE -> {
                    double trunkTop = o.heightM() * 0.45;
                    quad(img, new double[][] {{f, r - 0.15, 0}, {f, r + 0.15, 0}, {f, r + 0.15, trunkTop}, {f, r - 0.15, trunkTop}},
                            fade(new double[] {40, 50, 60}, w, f));
                    Optional<double[]> c = camera.worldToPixel(f, r, o.heightM() - o.lengthM() / 2);
                    Optional<double[]> e = camera.worldToPixel(f, r + o.lengthM() / 2, o.heightM() - o.lengthM() / 2);
                    double[] crown = {f, r, o.heightM() - o.lengthM() / 2};
                    if (c.isPresent() && e.isPresent() && depth(crown) > 3) {
                        double rad = Math.abs(e.get()[0] - c.get()[0]);
                        Point p = new Point(c.get()[0], c.get()[1]);
                        Imgproc.ellipse(img, p, new Size(rad, rad * 1.15), 0, 0, 360, scalar(col), -1, Imgproc.LINE_AA);
                        double[] dark = {col[0] * 0.75, col[1] * 0.75, col[2] * 0.75};
                        Imgproc.ellipse(img, new Point(p.x, p.y + rad * 0.35), new Size(rad * 0.8, rad * 0.7), 0, 0, 180,
                                scalar(dark), -1, Imgproc.LINE_AA);
                    }
                }
                case POST -> quad(img, new double[][] {{f, r - 0.06, 0}, {f, r + 0.06, 0}, {f, r + 0.06, o.heightM()},
                        {f, r - 0.06, o.heightM()}}, col);
                default -> throw new IllegalStateException();
            }
        }
    }

    private void drawBuilding(Mat img, RoadsideObject o, double s0, double d0, double[] col, Weather w) {
        // Keep every corner in front of the camera: the top of a tall facade beside the camera
        // would otherwise lie behind the image plane of a down-tilted camera.
        double pitch = Math.toRadians(camera.pitchDeg());
        double near = Math.max(1.0, ((o.heightM() + 0.3 - camera.heightM()) * Math.sin(pitch) + 0.2) / Math.cos(pitch));
        double f1 = Math.max(near, o.sM() - s0);
        double f2 = o.sM() + o.lengthM() - s0;
        double r = o.dM() - d0;
        double h = o.heightM();
        double side = Math.signum(o.dM());
        // End wall facing the camera, then the facade along the road.
        if (o.sM() - s0 > near) {
            double[] endCol = {col[0] * 0.8, col[1] * 0.8, col[2] * 0.8};
            quad(img, new double[][] {{f1, r, 0}, {f1, r + side * 8, 0}, {f1, r + side * 8, h}, {f1, r, h}}, endCol);
        }
        quad(img, new double[][] {{f1, r, 0}, {f2, r, 0}, {f2, r, h}, {f1, r, h}}, col);
        double[] roofLine = {col[0] * 0.6, col[1] * 0.6, col[2] * 0.6};
        quad(img, new double[][] {{f1, r, h}, {f2, r, h}, {f2, r, h + 0.3}, {f1, r, h + 0.3}}, roofLine);
        if (f2 <= f1) {
            return;
        }
        for (double wf = Math.ceil((f1 + 0.5) / 3) * 3; wf + 1.3 < f2 && wf < 70; wf += 3) {
            double[] win = fade(new double[] {70, 60, 55}, w, wf);
            for (double z = 1.0; z + 1.5 < h; z += 3) {
                quad(img, new double[][] {{wf, r, z}, {wf + 1.3, r, z}, {wf + 1.3, r, z + 1.5}, {wf, r, z + 1.5}}, win);
            }
        }
    }

    /**
     * Fills a planar polygon given in vehicle coordinates (forward, right, up), clipped first
     * against a plane just in front of the camera: projecting corners behind or beside the
     * camera would give wild pixel coordinates.
     */
    private void quad(Mat img, double[][] pts, double[] col) {
        List<double[]> poly = clipNear(pts, 0.3);
        if (poly.size() < 3) {
            return;
        }
        Point[] p = new Point[poly.size()];
        for (int i = 0; i < p.length; i++) {
            double[] q = poly.get(i);
            Optional<double[]> px = camera.worldToPixel(q[0], q[1], q[2]);
            if (px.isEmpty()) {
                return;
            }
            p[i] = new Point(clampPx(px.get()[0]), clampPx(px.get()[1]));
        }
        Imgproc.fillConvexPoly(img, new MatOfPoint(p), scalar(col), Imgproc.LINE_AA);
    }

    private static double clampPx(double v) {
        return Math.max(-30_000, Math.min(30_000, v));
    }

    /** Depth along the optical axis (roll does not change it). */
    private double depth(double[] q) {
        double pitch = Math.toRadians(camera.pitchDeg());
        return q[0] * Math.cos(pitch) - (q[2] - camera.heightM()) * Math.sin(pitch);
    }

    private List<double[]> clipNear(double[][] pts, double near) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < pts.length; i++) {
            double[] a = pts[i];
            double[] b = pts[(i + 1) % pts.length];
            double za = depth(a) - near;
            double zb = depth(b) - near;
            if (za >= 0) {
                out.add(a);
            }
            if ((za >= 0) != (zb >= 0)) {
                double t = za / (za - zb);
                out.add(new double[] {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])});
            }
        }
        return out;
    }

    private static double[] fade(double[] c, Weather w, double distance) {
        double a = 1 - Math.exp(-distance / w.visibilityM());
        double[] h = w.skyHorizon();
        return new double[] {c[0] + (h[0] - c[0]) * a, c[1] + (h[1] - c[1]) * a, c[2] + (h[2] - c[2]) * a};
    }

    private static Scalar scalar(double[] c) {
        return new Scalar(c[0], c[1], c[2]);
    }

    /**
     * True boxes of the potholes visible from road position {@code (s, d)}: the bounding box of
     * each pothole's edge projected with the camera, clipped to the image, nearest first.
     */
    public List<PotholeView> visiblePotholes(double s, double d) {
        return PotholeProjector.visible(camera, scene.potholes(), s, d);
    }

    @Override
    public void close() {
        surface.close();
        for (Band b : bands) {
            if (b != null) {
                b.baseX.release();
                b.baseY.release();
                b.mapX.release();
                b.mapY.release();
            }
        }
        background.release();
        hazeColour.release();
        keepWeight.release();
        hazeWeight.release();
        for (Mat g : grain) {
            g.release();
        }
        frame.release();
        blended.release();
        streaks.release();
    }
}
