package dk.vejsyn.inference.render;

import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.opencv.core.Mat;

/**
 * Renders a drive along a {@link RouteSpec} into {@code DIR}:
 * <ul>
 *   <li>{@code drive.mp4}: 1280x720 (the camera's size) at {@code fps}, H.264 where available;
 *   <li>{@code drive.gpx} (1 Hz, with GPS noise if asked) and {@code drive-exact.gpx};
 *   <li>{@code images/drive-NNNN.jpg}: one JPEG per {@value #IMAGE_SPACING_M} m with EXIF GPS
 *       (same, possibly noisy, track as {@code drive.gpx}), listed in {@code images.csv} with their
 *       exact and EXIF positions;
 *   <li>{@code ground-truth.geojson} (see {@link GroundTruthWriter});
 *   <li>{@code roads.geojson}: a small road network around the route ({@link SampleRoadNetwork});
 *   <li>{@code frames.csv}: per video frame the exact vehicle tag and the true box of every
 *       visible pothole (see {@link #FRAMES_HEADER});
 *   <li>{@code camera.json}: the camera profile used.
 * </ul>
 * Same route and seed give byte-identical files.
 */
public final class DriveRenderer {
    /** Columns of frames.csv; a frame without visible potholes has one row with empty pothole fields. */
    public static final String FRAMES_HEADER = "frame,time_s,captured_at,vehicle_lat,vehicle_lon,vehicle_heading_deg,"
            + "pothole_id,x1,y1,x2,y2,clipped,distance_m";
    /** Potholes farther than this from the camera are not listed in frames.csv. */
    public static final double FRAMES_MAX_DISTANCE_M = 40;
    public static final double IMAGE_SPACING_M = 4;
    /** The small road network around the route ({@link SampleRoadNetwork}). */
    public static final String ROADS_FILE = "roads.geojson";
    private static final int JPEG_QUALITY = 72;

    private final RouteSpec spec;
    private final long seed;
    private final double fps;
    private final double gpsNoiseM;

    public DriveRenderer(RouteSpec spec, long seed, double fps, double gpsNoiseM) {
        if (!(fps > 0 && fps <= 60)) {
            throw new IllegalArgumentException("fps must be in (0, 60]: " + fps);
        }
        if (!(gpsNoiseM >= 0 && gpsNoiseM <= 20)) {
            throw new IllegalArgumentException("GPS noise must be in [0, 20] m: " + gpsNoiseM);
        }
        this.spec = spec;
        this.seed = seed;
        this.fps = fps;
        this.gpsNoiseM = gpsNoiseM;
    }

    /** What was written, for the command's summary. */
    public record Result(int frames, int images, int potholes, int distractors, String codec, double msPerFrame) {}

    public Result render(Path out) {
        try {
            return renderTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write drive to " + out + ": " + e.getMessage(), e);
        }
    }

    /** The drive's world without pixels: route, timing, scene and GPS error. */
    public record Drive(RoutePath path, DrivePlan plan, RoadScene scene, GpsNoise noise) {}

    /** Plans the drive (cheap): what {@link #render} draws, for tests that need only geometry. */
    public Drive prepare() {
        RoutePath path = new RoutePath(spec.waypoints());
        RoadLayout layout = spec.layout();
        DrivePlan plan = new DrivePlan(spec, path, layout.drivingLaneCentreM());
        SplittableRandom rnd = new SplittableRandom(seed);
        int count = spec.potholes() != null ? spec.potholes() : 8 + rnd.nextInt(7);
        RoadScene scene = SceneGenerator.forDrive(rnd.nextLong(), plan.sAt(plan.durationS()), count, layout,
                spec.weatherPreset(), layout.drivingLaneCentreM());
        GpsNoise noise = new GpsNoise(gpsNoiseM, (int) Math.ceil(plan.durationS()) + 1, rnd.nextLong());
        return new Drive(path, plan, scene, noise);
    }

    private Result renderTo(Path out) throws IOException {
        Drive drive = prepare();
        RoutePath path = drive.path();
        DrivePlan plan = drive.plan();
        RoadScene scene = drive.scene();
        GpsNoise noise = drive.noise();

        Files.createDirectories(out.resolve("images"));
        Files.writeString(out.resolve("camera.json"), spec.camera().toJson() + "\n");
        GroundTruthWriter.write(out.resolve("ground-truth.geojson"), scene, path, spec.name(), seed);
        SampleRoadNetwork.write(out.resolve(ROADS_FILE), spec);
        List<GeoTag> exact = new ArrayList<>();
        List<GeoTag> noisy = new ArrayList<>();
        for (int t = 0; t <= (int) Math.floor(plan.durationS()); t++) {
            GeoTag g = plan.tagAt(t);
            exact.add(g);
            noisy.add(withNoise(g, noise, t));
        }
        GpxTrackWriter.write(out.resolve("drive-exact.gpx"), spec.name() + " (exact)", exact);
        GpxTrackWriter.write(out.resolve("drive.gpx"), spec.name(), noisy);

        int frames = (int) Math.floor(plan.durationS() * fps + 1e-9);
        int images = 0;
        double nextImageS = 0;
        long t0 = System.nanoTime();
        long renderNanos = 0;
        try (SceneRenderer renderer = new SceneRenderer(spec.camera(), scene);
                VideoEncoder video = new VideoEncoder(out.resolve("drive.mp4"), spec.camera().imageWidth(),
                        spec.camera().imageHeight(), fps, 800_000, spec.startTime());
                BufferedWriter csv = Files.newBufferedWriter(out.resolve("frames.csv"), StandardCharsets.UTF_8);
                BufferedWriter imagesCsv = Files.newBufferedWriter(out.resolve("images.csv"), StandardCharsets.UTF_8)) {
            csv.write(FRAMES_HEADER + "\n");
            imagesCsv.write("file,frame,time_s,captured_at,exact_lat,exact_lon,heading_deg,exif_lat,exif_lon\n");
            t0 = System.nanoTime();
            for (int k = 0; k < frames; k++) {
                double t = k / fps;
                double s = plan.sAt(t);
                double d = plan.dAt(t);
                GeoTag tag = plan.tagAt(t);
                long r0 = System.nanoTime();
                Mat img = renderer.render(s, d, k);
                renderNanos += System.nanoTime() - r0;
                video.write(img);
                writeFrameRows(csv, k, t, tag, renderer.visiblePotholes(s, d));
                if (s >= nextImageS - 1e-9) {
                    images++;
                    String file = String.format(Locale.ROOT, "drive-%04d.jpg", images);
                    GeoTag exif = withNoise(tag, noise, t);
                    Files.write(out.resolve("images").resolve(file), GeotaggedJpeg.tag(Jpeg.encode(img, JPEG_QUALITY), exif));
                    imagesCsv.write(String.format(Locale.ROOT, "%s,%d,%.3f,%s,%.9f,%.9f,%.3f,%.9f,%.9f%n", file, k, t,
                            tag.time(), tag.lat(), tag.lon(), tag.headingDeg(), exif.lat(), exif.lon()));
                    nextImageS += IMAGE_SPACING_M;
                }
                img.release();
            }
            return new Result(frames, images, scene.potholes().size(), scene.distractors().size(), video.codec(),
                    renderNanos / 1e6 / Math.max(1, frames));
        }
    }

    private static void writeFrameRows(BufferedWriter csv, int k, double t, GeoTag tag, List<PotholeView> views)
            throws IOException {
        String prefix = String.format(Locale.ROOT, "%d,%.3f,%s,%.9f,%.9f,%.4f,", k, t, tag.time(), tag.lat(), tag.lon(),
                tag.headingDeg());
        boolean any = false;
        for (PotholeView v : views) {
            if (v.distanceM() > FRAMES_MAX_DISTANCE_M || v.box().width() < 1 || v.box().height() < 1) {
                continue;
            }
            any = true;
            csv.write(prefix + String.format(Locale.ROOT, "%s,%.2f,%.2f,%.2f,%.2f,%d,%.3f%n", v.potholeId(), v.box().x1(),
                    v.box().y1(), v.box().x2(), v.box().y2(), v.clipped() ? 1 : 0, v.distanceM()));
        }
        if (!any) {
            csv.write(prefix + ",,,,,,\n");
        }
    }

    /** The tag moved by the GPS error at {@code t}; accuracy set to the noise level. */
    private GeoTag withNoise(GeoTag g, GpsNoise noise, double t) {
        if (gpsNoiseM == 0) {
            return g;
        }
        double[] ne = noise.at(t);
        double dist = Math.hypot(ne[0], ne[1]);
        LatLon p = dist < 1e-9 ? new LatLon(g.lat(), g.lon())
                : Georeferencer.destination(g.lat(), g.lon(), Math.toDegrees(Math.atan2(ne[1], ne[0])), dist);
        return new GeoTag(p.lat(), p.lon(), g.headingDeg(), g.speedMps(), g.time(), gpsNoiseM, g.altitudeM());
    }
}
