package dk.vejsyn.inference.render;

import java.util.SplittableRandom;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Top-down texture of a scene's ground (carriageway, markings, kerbs, verges, everything lying
 * on the road and cast shadows) at {@value #RES_M} m per texel, in road coordinates: row
 * {@code i} is {@code s = sStart + (i + 0.5) * RES}, column {@code j} is {@code d = dMin +
 * (j + 0.5) * RES}. Frames are made by resampling it through the camera (see
 * {@link SceneRenderer}); drawing every object once here, rather than per frame, is what keeps
 * frames fast and consistent from frame to frame.
 *
 * <p>Besides full resolution it keeps copies averaged along the road (by 4 and by 16 rows),
 * because far away one image row spans many texels along the road and point sampling would
 * shimmer.
 */
final class RoadSurface implements AutoCloseable {
    static final double RES_M = 0.025;
    private static final int CHUNK_ROWS = 1024;

    final double sStart;
    final double dMin;
    final int rows;
    final int cols;
    /** Level-of-detail textures, 8UC3 BGR; level k is averaged by {@link #ky}[k] rows and {@link #kx}[k] columns. */
    final Mat[] levels = new Mat[3];
    final int[] ky = {1, 4, 16};
    final int[] kx = {1, 1, 2};

    private RoadSurface(double sStart, double dMin, int rows, int cols) {
        this.sStart = sStart;
        this.dMin = dMin;
        this.rows = rows;
        this.cols = cols;
    }

    static RoadSurface build(RoadScene scene) {
        OpenCv.load();
        RoadLayout lay = scene.layout();
        double dMax = lay.halfWidthM() + lay.vergeWidthM() + 1.5;
        int cols = (int) Math.ceil(2 * dMax / RES_M);
        int rows = (int) Math.ceil((scene.sEndM() - scene.sStartM()) / RES_M);
        if (rows > 60_000) {
            throw new IllegalArgumentException("scene too long to texture: " + (scene.sEndM() - scene.sStartM()) + " m");
        }
        RoadSurface rs = new RoadSurface(scene.sStartM(), -dMax, rows, cols);
        Mat tex = new Mat(rows, cols, CvType.CV_8UC3);
        rs.fillBase(tex, scene);
        SurfacePainter painter = new SurfacePainter(rs, tex, scene);
        painter.paintMarkings();
        painter.paintDistractors();
        painter.paintPotholes();
        painter.paintShadows();
        rs.levels[0] = tex;
        for (int k = 1; k < rs.levels.length; k++) {
            Mat lv = new Mat();
            Imgproc.resize(tex, lv, new Size(Math.max(1, cols / rs.kx[k]), Math.max(1, rows / rs.ky[k])), 0, 0,
                    Imgproc.INTER_AREA);
            rs.levels[k] = lv;
        }
        return rs;
    }

    double sOfRow(int row) {
        return sStart + (row + 0.5) * RES_M;
    }

    double dOfCol(int col) {
        return dMin + (col + 0.5) * RES_M;
    }

    int rowOf(double s) {
        return (int) Math.floor((s - sStart) / RES_M);
    }

    int colOf(double d) {
        return (int) Math.floor((d - dMin) / RES_M);
    }

    /**
     * Base materials with multi-scale noise: fine aggregate grain, stains of ~20 cm, wear
     * patches of ~1.5 m, polished wheel paths; built in row chunks to bound memory.
     */
    private void fillBase(Mat tex, RoadScene scene) {
        RoadLayout lay = scene.layout();
        Weather w = scene.weather();
        SplittableRandom rnd = new SplittableRandom(scene.seed() ^ 0x5EEDL);
        double tone = 0.85 + 0.3 * rnd.nextDouble(); // old pale asphalt .. fresh dark asphalt
        double wetDark = 1 - 0.35 * w.wetness();
        float[][] colour = new float[cols][];
        float[] amp = new float[cols];
        for (int j = 0; j < cols; j++) {
            double d = dOfCol(j);
            double ad = Math.abs(d);
            double[] c;
            double a;
            if (ad <= lay.halfWidthM()) {
                double g = 100 * tone * wetDark;
                // Wheel paths are polished a little darker.
                double wp = 0;
                for (double track : new double[] {lay.drivingLaneCentreM() - 0.85, lay.drivingLaneCentreM() + 0.85}) {
                    wp = Math.max(wp, Math.exp(-Math.pow((ad - track) / 0.3, 2)));
                }
                g *= 1 - 0.07 * wp;
                c = new double[] {g * 1.02, g, g * 0.97};
                a = 1;
            } else if (ad <= lay.halfWidthM() + 0.15) {
                double g = 165 * (1 - 0.2 * w.wetness());
                c = new double[] {g, g, g * 0.98};
                a = 0.5;
            } else if (lay.verge() == RoadLayout.Verge.GRASS) {
                c = new double[] {55, 115 - 15 * w.wetness(), 85};
                a = 2.2;
            } else {
                double g = 150 * (1 - 0.25 * w.wetness());
                c = new double[] {g * 1.0, g * 0.99, g * 0.96};
                a = 0.7;
            }
            colour[j] = new float[] {(float) c[0], (float) c[1], (float) c[2]};
            amp[j] = (float) a;
        }
        long seed = scene.seed();
        float[] fine = new float[CHUNK_ROWS * cols];
        byte[] out = new byte[CHUNK_ROWS * cols * 3];
        SplittableRandom grain = new SplittableRandom(seed ^ 0xF1AEL);
        // Stains (~20 cm) and wear patches (~2 m) vary slowly: evaluate them on a grid 4x
        // coarser and let OpenCV interpolate.
        int cr = CHUNK_ROWS / 4;
        int cc = (cols + 3) / 4;
        float[] coarse = new float[cr * cc];
        Mat coarseMat = new Mat(cr, cc, CvType.CV_32F);
        Mat smoothMat = new Mat();
        float[] smooth = new float[CHUNK_ROWS * cc * 4];
        for (int r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
            int n = Math.min(CHUNK_ROWS, rows - r0);
            for (int i = 0; i < n * cols; i++) {
                fine[i] = grain.nextFloat() - 0.5f;
            }
            for (int i = 0; i < cr; i++) {
                double s = sStart + (r0 + i * 4 + 2) * RES_M;
                for (int j = 0; j < cc; j++) {
                    double d = dMin + (j * 4 + 2) * RES_M;
                    double med = Noise.value(s, d, 0.2, seed + 1) - 0.5;
                    double low = Noise.value(s, d, 1.6, seed + 2) - 0.5 + 0.5 * (Noise.value(s, d, 7, seed + 3) - 0.5);
                    double a = amp[Math.min(cols - 1, j * 4 + 2)];
                    coarse[i * cc + j] = (float) (a * 0.10 * med + 0.16 * low);
                }
            }
            coarseMat.put(0, 0, coarse);
            Imgproc.resize(coarseMat, smoothMat, new Size(cc * 4, CHUNK_ROWS), 0, 0, Imgproc.INTER_LINEAR);
            smoothMat.get(0, 0, smooth);
            int sw = cc * 4;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < cols; j++) {
                    // Grain: mixing in neighbours makes it less harsh than white noise.
                    int k = i * cols + j;
                    double f = fine[k] * 0.6 + (j > 0 ? fine[k - 1] : 0) * 0.2 + (i > 0 ? fine[k - cols] : 0) * 0.2;
                    double l = 1 + amp[j] * 0.28 * f + smooth[i * sw + j];
                    float[] c = colour[j];
                    int o = k * 3;
                    out[o] = clamp(c[0] * l);
                    out[o + 1] = clamp(c[1] * l);
                    out[o + 2] = clamp(c[2] * l);
                }
            }
            Mat chunk = tex.submat(r0, r0 + n, 0, cols);
            chunk.put(0, 0, java.util.Arrays.copyOf(out, n * cols * 3));
        }
        coarseMat.release();
        smoothMat.release();
    }

    static byte clamp(double v) {
        return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
    }

    @Override
    public void close() {
        for (Mat m : levels) {
            if (m != null) {
                m.release();
            }
        }
    }
}
