package dk.vejsyn.inference.geo;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;
import java.util.Objects;

/**
 * One located sighting of damage in one frame: where the damage is on the ground (not where the
 * vehicle was), how large it is estimated to be, and the evidence behind it.
 *
 * @param type damage type
 * @param score model score in [0, 1]
 * @param position estimated WGS84 position of the damage (bottom-centre of its box on the road)
 * @param distanceM distance from the camera's foot point to the damage, metres
 * @param widthM estimated width across the road, metres
 * @param lengthM estimated extent along the road, metres; for a crack its length, the longer extent
 *     of its footprint ({@link CrackTyping#crackLengthM})
 * @param areaM2 estimated area (ellipse of width x length), square metres
 * @param vehicle the vehicle's tag when the frame was captured
 * @param source file or stream the frame came from
 * @param frameIndex frame number within {@code source}
 * @param box the detection's box in frame pixels
 * @param evidenceJpeg JPEG crop of the damage region only (never the whole frame), or {@code null}
 */
public record Observation(
        DamageType type,
        float score,
        LatLon position,
        double distanceM,
        double widthM,
        double lengthM,
        double areaM2,
        GeoTag vehicle,
        String source,
        long frameIndex,
        PixelBox box,
        byte[] evidenceJpeg) {

    public Observation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(vehicle, "vehicle");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(box, "box");
    }

    public Instant capturedAt() {
        return vehicle.time();
    }

    /** A copy without the evidence image (for logs and light-weight exports). */
    public Observation withoutEvidence() {
        return new Observation(type, score, position, distanceM, widthM, lengthM, areaM2, vehicle,
                source, frameIndex, box, null);
    }
}
