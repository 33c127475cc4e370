package dk.vejsyn.inference.geo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A forward-looking vehicle camera over a flat road: pinhole projection with optional radial
 * distortion.
 *
 * <p>Conventions. Vehicle frame: forward, right, up (metres), origin on the road directly below
 * the camera. Image: u to the right, v downwards, pixels, principal point at the image centre.
 * {@code pitchDeg} is the downward tilt of the optical axis below the horizon (positive looks
 * down). {@code rollDeg} rotates the image clockwise as seen from behind the camera (positive
 * means the horizon in the image falls to the right). {@code focalPx} is the focal length in
 * pixels; it follows from the horizontal field of view as {@code (width / 2) / tan(hfov / 2)}.
 * Distortion is the Brown radial model on normalised coordinates:
 * {@code r_d = r_u (1 + k1 r_u^2 + k2 r_u^4)}.
 *
 * <p>Immutable and thread-safe.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class CameraModel {
    private final String name;
    private final double heightM;
    private final double pitchDeg;
    private final double rollDeg;
    private final double focalPx;
    private final int imageWidth;
    private final int imageHeight;
    private final double k1;
    private final double k2;

    // Camera axes expressed in the vehicle frame (forward, right, up).
    private final double[] axisRight;
    private final double[] axisDown;
    private final double[] axisOptical;

    private CameraModel(String name, double heightM, double pitchDeg, double rollDeg,
            double focalPx, int imageWidth, int imageHeight, double k1, double k2) {
        if (!(heightM > 0 && heightM < 10)) {
            throw new IllegalArgumentException("camera height must be in (0, 10) m: " + heightM);
        }
        if (!(pitchDeg > -45 && pitchDeg < 90)) {
            throw new IllegalArgumentException("camera pitch must be in (-45, 90) degrees: " + pitchDeg);
        }
        if (!(Math.abs(rollDeg) < 45)) {
            throw new IllegalArgumentException("camera roll must be in (-45, 45) degrees: " + rollDeg);
        }
        if (imageWidth <= 0 || imageHeight <= 0) {
            throw new IllegalArgumentException(
                    "image size must be positive: " + imageWidth + "x" + imageHeight);
        }
        if (!(focalPx > 0) || Double.isInfinite(focalPx)) {
            throw new IllegalArgumentException("focal length must be positive: " + focalPx);
        }
        if (!Double.isFinite(k1) || !Double.isFinite(k2)) {
            throw new IllegalArgumentException("distortion coefficients must be finite");
        }
        this.name = name == null ? "custom" : name;
        this.heightM = heightM;
        this.pitchDeg = pitchDeg;
        this.rollDeg = rollDeg;
        this.focalPx = focalPx;
        this.imageWidth = imageWidth;
        this.imageHeight = imageHeight;
        this.k1 = k1;
        this.k2 = k2;

        double p = Math.toRadians(pitchDeg);
        double r = Math.toRadians(rollDeg);
        double[] optical = {Math.cos(p), 0, -Math.sin(p)};
        // Image "down" at zero roll: perpendicular to the optical axis, pointing at the ground.
        double[] down = {-Math.sin(p), 0, -Math.cos(p)};
        double[] right = {0, 1, 0};
        // Roll turns the image's right and down axes about the optical axis.
        this.axisRight = add(scale(right, Math.cos(r)), scale(down, -Math.sin(r)));
        this.axisDown = add(scale(right, Math.sin(r)), scale(down, Math.cos(r)));
        this.axisOptical = optical;
    }

    /** Default profile: a dashcam behind the windscreen of a refuse truck, 1280x720. */
    public static CameraModel refuseTruckDashcam() {
        return builder().name("refuse-truck-dashcam").heightM(2.4).pitchDeg(11).rollDeg(0)
                .horizontalFovDeg(90).imageSize(1280, 720).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same camera for frames of another size (focal length scales with width). */
    public CameraModel forImageSize(int width, int height) {
        if (width == imageWidth && height == imageHeight) {
            return this;
        }
        double f = focalPx * width / imageWidth;
        return new CameraModel(name, heightM, pitchDeg, rollDeg, f, width, height, k1, k2);
    }

    /**
     * Where the ray through pixel {@code (u, v)} meets the road, or empty when the ray points at
     * or above the horizon.
     */
    public Optional<GroundPoint> pixelToGround(double u, double v) {
        double[] n = undistort((u - imageWidth / 2.0) / focalPx, (v - imageHeight / 2.0) / focalPx);
        double[] ray = add(add(scale(axisRight, n[0]), scale(axisDown, n[1])), axisOptical);
        double up = ray[2];
        if (up >= -1e-9) {
            return Optional.empty();
        }
        double t = heightM / -up;
        return Optional.of(new GroundPoint(t * ray[0], t * ray[1]));
    }

    /**
     * The pixel where a road point appears, or empty when it lies behind the camera. The pixel
     * may fall outside the image.
     */
    public Optional<double[]> groundToPixel(GroundPoint g) {
        return worldToPixel(g.forwardM(), g.rightM(), 0);
    }

    /**
     * The pixel of a point {@code upM} metres above the road at {@code (forwardM, rightM)}, or
     * empty when it lies behind the camera.
     */
    public Optional<double[]> worldToPixel(double forwardM, double rightM, double upM) {
        double[] p = {forwardM, rightM, upM - heightM};
        double z = dot(p, axisOptical);
        if (z <= 1e-6) {
            return Optional.empty();
        }
        double x = dot(p, axisRight) / z;
        double y = dot(p, axisDown) / z;
        double r2 = x * x + y * y;
        double d = 1 + k1 * r2 + k2 * r2 * r2;
        return Optional.of(new double[] {
            imageWidth / 2.0 + focalPx * x * d, imageHeight / 2.0 + focalPx * y * d
        });
    }

    /** Image row of the horizon at the image's centre column (before distortion). */
    public double horizonRow() {
        return imageHeight / 2.0 - focalPx * Math.tan(Math.toRadians(pitchDeg));
    }

    private double[] undistort(double xd, double yd) {
        if (k1 == 0 && k2 == 0) {
            return new double[] {xd, yd};
        }
        // Fixed-point iteration: converges for the mild distortion of dashcams (|k1| < 0.5).
        double x = xd;
        double y = yd;
        for (int i = 0; i < 20; i++) {
            double r2 = x * x + y * y;
            double d = 1 + k1 * r2 + k2 * r2 * r2;
            x = xd / d;
            y = yd / d;
        }
        return new double[] {x, y};
    }

    /** Reads a profile from JSON (fields as in {@link Builder}; see docs in the README). */
    public static CameraModel fromJson(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read camera profile " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid camera profile " + file + ": " + e.getMessage(), e);
        }
    }

    public static CameraModel fromJson(InputStream in) throws IOException {
        try {
            return new ObjectMapper().readValue(in, Json.class).toModel();
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(cause.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** Serialises this profile in the format {@link #fromJson(Path)} reads. */
    public String toJson() {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                    new Json(name, heightM, pitchDeg, rollDeg, null, focalPx, imageWidth, imageHeight, k1, k2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON form of a camera profile. Either {@code hfov_deg} or {@code focal_px} is required. */
    record Json(
            @JsonProperty("name") String name,
            @JsonProperty(value = "height_m", required = true) double heightM,
            @JsonProperty(value = "pitch_deg", required = true) double pitchDeg,
            @JsonProperty("roll_deg") double rollDeg,
            @JsonProperty("hfov_deg") Double hfovDeg,
            @JsonProperty("focal_px") Double focalPx,
            @JsonProperty(value = "image_width", required = true) int imageWidth,
            @JsonProperty(value = "image_height", required = true) int imageHeight,
            @JsonProperty("k1") double k1,
            @JsonProperty("k2") double k2) {

        @JsonCreator
        Json {}

        CameraModel toModel() {
            Builder b = builder().name(name).heightM(heightM).pitchDeg(pitchDeg).rollDeg(rollDeg)
                    .imageSize(imageWidth, imageHeight).distortion(k1, k2);
            if (focalPx != null) {
                b.focalPx(focalPx);
            } else if (hfovDeg != null) {
                b.horizontalFovDeg(hfovDeg);
            } else {
                throw new IllegalArgumentException("either hfov_deg or focal_px is required");
            }
            return b.build();
        }
    }

    public String name() {
        return name;
    }

    public double heightM() {
        return heightM;
    }

    public double pitchDeg() {
        return pitchDeg;
    }

    public double rollDeg() {
        return rollDeg;
    }

    public double focalPx() {
        return focalPx;
    }

    public double horizontalFovDeg() {
        return Math.toDegrees(2 * Math.atan(imageWidth / 2.0 / focalPx));
    }

    public int imageWidth() {
        return imageWidth;
    }

    public int imageHeight() {
        return imageHeight;
    }

    public double k1() {
        return k1;
    }

    public double k2() {
        return k2;
    }

    @Override
    public String toString() {
        return String.format("CameraModel[%s h=%.2fm pitch=%.1f roll=%.1f f=%.1fpx %dx%d]",
                name, heightM, pitchDeg, rollDeg, focalPx, imageWidth, imageHeight);
    }

    private static double[] add(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
    }

    private static double[] scale(double[] a, double s) {
        return new double[] {a[0] * s, a[1] * s, a[2] * s};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    /** Builder: {@code heightM}, {@code pitchDeg}, image size and a focal length or FOV are required. */
    public static final class Builder {
        private String name = "custom";
        private double heightM = Double.NaN;
        private double pitchDeg = Double.NaN;
        private double rollDeg;
        private double focalPx = Double.NaN;
        private double hfovDeg = Double.NaN;
        private int width;
        private int height;
        private double k1;
        private double k2;

        public Builder name(String v) { name = v; return this; }
        public Builder heightM(double v) { heightM = v; return this; }
        public Builder pitchDeg(double v) { pitchDeg = v; return this; }
        public Builder rollDeg(double v) { rollDeg = v; return this; }
        public Builder focalPx(double v) { focalPx = v; hfovDeg = Double.NaN; return this; }
        public Builder horizontalFovDeg(double v) { hfovDeg = v; focalPx = Double.NaN; return this; }
        public Builder imageSize(int w, int h) { width = w; height = h; return this; }
        public Builder distortion(double k1v, double k2v) { k1 = k1v; k2 = k2v; return this; }

        public CameraModel build() {
            if (Double.isNaN(heightM) || Double.isNaN(pitchDeg)) {
                throw new IllegalArgumentException("camera height and pitch are required");
            }
            double f = focalPx;
            if (Double.isNaN(f)) {
                if (!(hfovDeg > 1 && hfovDeg < 179)) {
                    throw new IllegalArgumentException(
                            "horizontal field of view must be in (1, 179) degrees: " + hfovDeg);
                }
                f = (width / 2.0) / Math.tan(Math.toRadians(hfovDeg) / 2);
            }
            return new CameraModel(name, heightM, pitchDeg, rollDeg, f, width, height, k1, k2);
        }
    }
}
