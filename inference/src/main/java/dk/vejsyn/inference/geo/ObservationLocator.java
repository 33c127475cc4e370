package dk.vejsyn.inference.geo;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import java.util.Optional;

/**
 * Turns a detection in a frame into a located {@link Observation}, or says why it cannot.
 *
 * <p>Road damage is flat, so a box's bottom edge is the damage's near edge on the road and its
 * top edge the far edge. The damage's position is the midpoint of the two edge centres projected
 * onto the ground; its width is the distance between the projected bottom corners, its length
 * the forward distance between the near and far edges (or the width when the far edge is at or
 * above the horizon), and its area that of an ellipse with those axes.
 *
 * <p>A crack the model reports as generic {@code crack} is typed by its footprint
 * ({@link CrackTyping}); a crack's length is the longer extent of its footprint
 * ({@link CrackTyping#crackLengthM}) rather than its extent along the road.
 *
 * <p>Thread-safe: the only state is a cached, immutable camera for the current frame size.
 */
public final class ObservationLocator {
    /** Default maximum distance to keep a detection: farther, pixels are too coarse to place it. */
    public static final double DEFAULT_MAX_RANGE_M = 25.0;

    private final CameraModel camera;
    private final double maxRangeM;
    private final CrackTyping crackTyping;
    /** The camera scaled to the last frame size seen; a source's frames share one size. */
    private volatile CameraModel scaled;

    public ObservationLocator(CameraModel camera, double maxRangeM) {
        this(camera, maxRangeM, CrackTyping.DEFAULT);
    }

    /** A locator that types generic cracks by {@code crackTyping}. */
    public ObservationLocator(CameraModel camera, double maxRangeM, CrackTyping crackTyping) {
        if (!(maxRangeM > 0)) {
            throw new IllegalArgumentException("max range must be positive: " + maxRangeM);
        }
        this.camera = camera;
        this.maxRangeM = maxRangeM;
        this.crackTyping = java.util.Objects.requireNonNull(crackTyping, "crackTyping");
        this.scaled = camera;
    }

    /** The outcome for one detection: an observation, or the reason it was dropped. */
    public record Result(Observation observation, DropReason dropped) {
        public static Result of(Observation o) {
            return new Result(o, null);
        }

        public static Result drop(DropReason r) {
            return new Result(null, r);
        }

        public boolean isKept() {
            return observation != null;
        }
    }

    /**
     * Locates a detection seen in a frame of {@code frameWidth} x {@code frameHeight} pixels.
     *
     * @param evidenceJpeg the evidence crop to attach, or {@code null}
     */
    public Result locate(Detection d, GeoTag tag, int frameWidth, int frameHeight,
            String source, long frameIndex, byte[] evidenceJpeg) {
        CameraModel cam = scaled;
        if (cam.imageWidth() != frameWidth || cam.imageHeight() != frameHeight) {
            cam = camera.forImageSize(frameWidth, frameHeight);
            scaled = cam;
        }
        PixelBox b = d.box();
        Optional<GroundPoint> near = cam.pixelToGround(b.centreX(), b.y2());
        if (near.isEmpty()) {
            return Result.drop(DropReason.ABOVE_HORIZON);
        }
        if (near.get().distanceM() > maxRangeM) {
            return Result.drop(DropReason.BEYOND_RANGE);
        }
        if (!tag.hasHeading()) {
            return Result.drop(DropReason.NO_HEADING);
        }
        double width = distance(cam.pixelToGround(b.x1(), b.y2()), cam.pixelToGround(b.x2(), b.y2()));
        Optional<GroundPoint> far = cam.pixelToGround(b.centreX(), b.y1());
        GroundPoint centre = near.get();
        double length = width;
        double measuredAlong = Double.NaN;
        if (far.isPresent() && far.get().forwardM() > near.get().forwardM()
                && far.get().distanceM() <= 2 * maxRangeM) {
            length = far.get().forwardM() - near.get().forwardM();
            measuredAlong = length;
            centre = new GroundPoint(
                    (near.get().forwardM() + far.get().forwardM()) / 2,
                    (near.get().rightM() + far.get().rightM()) / 2);
        }
        if (!Double.isFinite(width)) {
            width = length;
        }
        double area = Math.PI / 4 * width * length;
        LatLon position = Georeferencer.locate(tag, centre);
        DamageType type = crackTyping.type(d.type(), width, measuredAlong, centre.distanceM());
        if (type.isCrack()) {
            length = CrackTyping.crackLengthM(width, length);
        }
        return Result.of(new Observation(type, d.score(), position, centre.distanceM(), width, length,
                area, tag, source, frameIndex, b, evidenceJpeg));
    }

    private static double distance(Optional<GroundPoint> a, Optional<GroundPoint> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Double.NaN;
        }
        return Math.hypot(a.get().forwardM() - b.get().forwardM(), a.get().rightM() - b.get().rightM());
    }

    public CameraModel camera() {
        return camera;
    }

    public double maxRangeM() {
        return maxRangeM;
    }

    public CrackTyping crackTyping() {
        return crackTyping;
    }
}
