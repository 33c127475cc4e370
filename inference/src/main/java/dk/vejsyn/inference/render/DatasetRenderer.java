package dk.vejsyn.inference.render;

import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.geo.CameraModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.opencv.core.Mat;

/**
 * Writes rendered training images with YOLO labels in the layout of {@code shared/datasets}:
 * {@code images/<name>.jpg}, {@code labels/<name>.txt} ("class cx cy w h", normalised; class 0
 * is pothole, 1.. the distractor kinds of {@link #CLASS_NAMES}; empty for images with neither),
 * {@code splits/{train,val,test}.txt} and {@code SOURCE.md}.
 *
 * <p>Each image is its own scene: camera height, pitch, field of view and roll, road width and
 * markings, verge, weather and time of day, and 0 to 5 potholes vary, so a model learns what a
 * pothole looks like rather than one street. Only potholes whose centre is at most
 * {@link #MAX_LABEL_DISTANCE_M} m away and whose visible box is at least
 * {@value #MIN_BOX_W} x {@value #MIN_BOX_H} px are labelled (the pipeline ignores farther ones),
 * and potholes that would be visible but not labelled are left out of the scene, so every
 * pothole in an image has a label.
 */
public final class DatasetRenderer {
    public static final double MAX_LABEL_DISTANCE_M = 25;
    public static final int MIN_BOX_W = 8;
    public static final int MIN_BOX_H = 6;
    private static final int JPEG_QUALITY = 90;
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;

    /** Label classes, in YOLO class order: potholes, then the look-alikes (distractor kinds). */
    public static final List<String> CLASS_NAMES = classNames();
    static final int POTHOLE_CLASS = 0;

    private static List<String> classNames() {
        List<String> names = new ArrayList<>(List.of("pothole"));
        for (Distractor.Kind k : Distractor.Kind.values()) {
            names.add(k.wireName());
        }
        return List.copyOf(names);
    }

    /** Distractors per scene are drawn from 0 to this by default. */
    public static final int DEFAULT_MAX_DISTRACTORS = 4;

    private final long seed;
    private final int maxDistractors;

    public DatasetRenderer(long seed) {
        this(seed, DEFAULT_MAX_DISTRACTORS);
    }

    /**
     * @param maxDistractors upper bound of the distractors (patches, manhole covers, cracks, paint)
     *     per scene; a larger value makes a hard-negative set that teaches the model what is
     *     <em>not</em> a pothole. The default keeps the original datasets reproducible.
     */
    public DatasetRenderer(long seed, int maxDistractors) {
        if (maxDistractors < 0) {
            throw new IllegalArgumentException("maxDistractors must be >= 0: " + maxDistractors);
        }
        this.seed = seed;
        this.maxDistractors = maxDistractors;
    }

    /** One training sample: the image and its label lines. */
    public record Sample(String name, byte[] jpeg, List<String> labels) {}

    /** What sample {@code index} shows: camera, scene and the vehicle's lateral position. */
    record Plan(String name, CameraModel camera, RoadScene scene, double vehicleD) {}

    /** Plans sample {@code index} without pixels (cheap; used by tests). */
    Plan plan(int index) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        CameraModel cam = CameraModel.builder().name("rendered")
                .heightM(1.3 + 1.5 * rnd.nextDouble())
                .pitchDeg(5 + 10 * rnd.nextDouble())
                .rollDeg((rnd.nextDouble() - 0.5) * 4)
                .horizontalFovDeg(70 + 40 * rnd.nextDouble())
                .imageSize(WIDTH, HEIGHT).build();
        RoadLayout layout = new RoadLayout(5 + 4 * rnd.nextDouble(), rnd.nextDouble() < 0.8, rnd.nextDouble() < 0.6,
                rnd.nextDouble() < 0.6 ? RoadLayout.Verge.PAVEMENT : RoadLayout.Verge.GRASS, 2 + 3 * rnd.nextDouble());
        Weather weather = Weather.random(rnd);
        int[] counts = {0, 1, 1, 2, 2, 3, 3, 4, 5};
        int count = counts[rnd.nextInt(counts.length)];
        double vehicleD = layout.drivingLaneCentreM() + (rnd.nextDouble() - 0.5) * 0.8;
        RoadScene scene = labellableOnly(
                SceneGenerator.forSample(rnd.nextLong(), count * 3, layout, weather, vehicleD, maxDistractors), cam,
                vehicleD, count);
        return new Plan(String.format(Locale.ROOT, "vejsyn-render-s%d-%05d", seed, index), cam, scene, vehicleD);
    }

    /** Renders sample {@code index} (independent of the others, so any index can be redone alone). */
    public Sample render(int index) {
        Plan plan = plan(index);
        int w = WIDTH;
        int h = HEIGHT;
        double vehicleD = plan.vehicleD();
        String name = plan.name();
        try (SceneRenderer r = new SceneRenderer(plan.camera(), plan.scene())) {
            Mat img = r.render(0, vehicleD, index);
            byte[] jpeg = Jpeg.encode(img, JPEG_QUALITY);
            img.release();
            List<String> labels = new ArrayList<>();
            for (PotholeView v : r.visiblePotholes(0, vehicleD)) {
                if (isLabelled(v)) {
                    labels.add(label(POTHOLE_CLASS, v.box(), w, h));
                }
            }
            // Look-alikes get their own classes: a model that must say "manhole cover" there learns
            // what separates it from a pothole, which an unlabelled background patch did not teach.
            for (PotholeProjector.DistractorView v : PotholeProjector.visibleDistractors(plan.camera(),
                    plan.scene().distractors(), 0, vehicleD)) {
                if (isLabelled(v.distanceM(), v.box())) {
                    labels.add(label(classOf(v.distractor().kind()), v.box(), w, h));
                }
            }
            return new Sample(name, jpeg, labels);
        }
    }

    private static String label(int cls, PixelBox b, int w, int h) {
        return String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f", cls, b.centreX() / w, b.centreY() / h,
                b.width() / w, b.height() / h);
    }

    /** YOLO class of a distractor kind: its position in {@link #CLASS_NAMES}. */
    static int classOf(Distractor.Kind kind) {
        return 1 + kind.ordinal();
    }

    static boolean isLabelled(PotholeView v) {
        return isLabelled(v.distanceM(), v.box());
    }

    /** The labelling rule of potholes and look-alikes alike: near enough, and big enough in the image. */
    static boolean isLabelled(double distanceM, PixelBox box) {
        return distanceM <= MAX_LABEL_DISTANCE_M && box.width() >= MIN_BOX_W && box.height() >= MIN_BOX_H;
    }

    /**
     * Keeps at most {@code count} of the scene's potholes, and only those that will be labelled:
     * a visible pothole left unlabelled (too small, too far) would teach the model that potholes
     * are background. A flat pothole is short in the image (0.5 m long at 12 m from a 2.4 m high
     * camera is about 5 px tall), so many far candidates fall out here.
     */
    private static RoadScene labellableOnly(RoadScene scene, CameraModel cam, double vehicleD, int count) {
        java.util.Map<String, PotholeView> views = new java.util.HashMap<>();
        for (PotholeView v : PotholeProjector.visible(cam, scene.potholes(), 0, vehicleD)) {
            views.put(v.potholeId(), v);
        }
        List<Pothole> keep = new ArrayList<>();
        for (Pothole p : scene.potholes()) {
            PotholeView v = views.get(p.id());
            if (keep.size() < count && v != null && isLabelled(v)) {
                keep.add(p);
            }
        }
        return scene.withPotholes(keep);
    }

    /** Writes {@code count} samples under {@code out}; {@code progress} hears each finished index. */
    public void write(Path out, int count, IntConsumer progress) {
        try {
            Files.createDirectories(out.resolve("images"));
            Files.createDirectories(out.resolve("labels"));
            Files.createDirectories(out.resolve("splits"));
            List<String> train = new ArrayList<>();
            List<String> val = new ArrayList<>();
            List<String> test = new ArrayList<>();
            int boxes = 0;
            int negatives = 0;
            int lookalikes = 0;
            for (int i = 0; i < count; i++) {
                Sample s = render(i);
                String file = s.name() + ".jpg";
                Files.write(out.resolve("images").resolve(file), s.jpeg());
                Files.writeString(out.resolve("labels").resolve(s.name() + ".txt"),
                        s.labels().isEmpty() ? "" : String.join("\n", s.labels()) + "\n", StandardCharsets.UTF_8);
                long potholes = s.labels().stream().filter(l -> l.startsWith(POTHOLE_CLASS + " ")).count();
                boxes += (int) potholes;
                lookalikes += s.labels().size() - (int) potholes;
                negatives += potholes == 0 ? 1 : 0;
                int bucket = bucket(file);
                (bucket < 70 ? train : bucket < 85 ? val : test).add(file);
                progress.accept(i);
            }
            Files.write(out.resolve("splits/train.txt"), train);
            Files.write(out.resolve("splits/val.txt"), val);
            Files.write(out.resolve("splits/test.txt"), test);
            Files.writeString(out.resolve("SOURCE.md"), sourceMd(count, boxes, lookalikes, negatives, train.size(), val.size(),
                    test.size()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dataset to " + out + ": " + e.getMessage(), e);
        }
    }

    private static String classList() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < CLASS_NAMES.size(); i++) {
            parts.add(i + " = " + CLASS_NAMES.get(i));
        }
        return String.join(", ", parts);
    }

    /** Split bucket as in shared/datasets: SHA-1 of the file name, as a number, mod 100. */
    static int bucket(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
            return new java.math.BigInteger(1, h).mod(java.math.BigInteger.valueOf(100)).intValue();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String sourceMd(int count, int boxes, int lookalikes, int negatives, int train, int val, int test) {
        return "# vejsyn-render (procedurally rendered road scenes)\n\n"
                + "## Origin\n\n"
                + "- Made by the Vejsyn project's own renderer (`dk.vejsyn.inference.render`), no photographs:\n"
                + "  `bin/vejsyn render-dataset --count " + count + " --seed " + seed
                + (maxDistractors == DEFAULT_MAX_DISTRACTORS ? "" : " --distractors " + maxDistractors)
                + " --out DIR`.\n"
                + "  Same command, same files (deterministic per seed).\n"
                + "- Each image is a separate random scene seen by a forward-facing vehicle camera: camera height\n"
                + "  1.3–2.8 m, pitch 5–15°, roll ±2°, horizontal field of view 70–110°, no lens distortion; road width 5–9 m, centre and edge lines or not, pavement or grass verges; weather\n"
                + "  sunny / overcast / wet / light rain / haze / dusk; 0–5 potholes (0.2–1.2 m, 3–24 m ahead) plus\n"
                + "  0–" + maxDistractors + " distractors (look-alikes), labelled as their own classes: cracks, patches, manhole covers,\n"
                + "  road paint.\n"
                + "- No real person, vehicle, number plate or place is depicted.\n\n"
                + "## Licence\n\nSame licence as the Vejsyn repository (generated data, no third-party content).\n\n"
                + "## Labels\n\n"
                + "- YOLO, \"class cx cy w h\" normalised to 0..1. Classes: " + classList() + ". Only class 0 (pothole,\n"
                + "  RDD D40) is damage the product reports; the others are look-alikes a model learns to tell apart.\n"
                + "  An image without a pothole box is a negative for potholes.\n"
                + "- Box = the pothole's projected edge (without its lighter rim), or the look-alike's painted extent\n"
                + "  (a crack's strokes, a manhole's ring, a patch's sealed joint), clipped to the image.\n"
                + "- Labelled only when the object's centre is ≤ " + (int) MAX_LABEL_DISTANCE_M + " m from the camera's foot point\n"
                + "  and the visible box is ≥ " + MIN_BOX_W + "×" + MIN_BOX_H + " px. Candidate potholes that would be\n"
                + "  visible but fail that rule are left out of the scene, so every pothole in an image is labelled.\n\n"
                + "## Counts\n\n"
                + "images " + count + " (1280×720 JPEG, quality " + JPEG_QUALITY + "), pothole boxes " + boxes
                + ", look-alike boxes " + lookalikes + ", negatives " + negatives
                + "; splits train " + train + " / val " + val + " / test " + test
                + " (bucket = SHA-1(file name) mod 100: < 70 train, < 85 val, else test).\n\n"
                + "## Caveat\n\nSynthetic: flat-shaded background, simple pothole shading. Use alongside the real\n"
                + "sources for training, never as the only test set.\n";
    }
}
