package dk.vejsyn.api.finding;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.GroundPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which known findings a drive had in view, so that the store can count a pass that did not
 * detect them ("not seen") and, after {@code vejsyn.findings.not-seen-passes} such passes, call the
 * finding {@code possibly_repaired}.
 *
 * <p>Why this matters: a missed pothole costs a planner a wasted trip, so only a pass that could
 * have seen the finding counts against it. A finding is in view of a frame when the frame was
 * captured after the finding was last seen, the finding lies beyond the camera's blind zone (the
 * ground distance of the image's bottom edge, from {@link CameraModel#pixelToGround}) and within
 * {@code vejsyn.findings.redrive-range-m}, and its bearing from the vehicle is within half the
 * camera's horizontal field of view ({@link CameraModel#horizontalFovDeg}) of the heading.
 *
 * <p>Exactness: distance and bearing come from {@link FlatEarth}, not from
 * {@link dk.vejsyn.inference.geo.Georeferencer}'s geodesics, and the field of view is an angle
 * around the heading, not the projection of the finding into the image
 * ({@link CameraModel#groundToPixel}), which with the camera's pitch covers a slightly different
 * strip of road. Both alternatives would move findings at the edges in or out of view; the
 * evaluation is kept as it was so that re-drive results do not change.
 *
 * <p>Pure: no database; the store loads the candidates and records the outcome.
 */
final class RedriveEvaluator {

    private final double rangeM;

    /** @param rangeM how far ahead the camera is trusted to see damage ({@code redrive-range-m}) */
    RedriveEvaluator(double rangeM) {
        this.rangeM = rangeM;
    }

    /** A watched finding near the drive, as the store loaded it. */
    record Candidate(long id, DamageType type, double lat, double lon, Instant lastSeen) {}

    /**
     * The candidates that some frame had in view, in the order given.
     *
     * @param frames the drive's frames; frames without a heading see nothing
     */
    List<Candidate> inView(List<GeoTag> frames, CameraModel camera, List<Candidate> candidates) {
        double halfFovDeg = camera.horizontalFovDeg() / 2;
        double blindM = blindZoneM(camera);
        List<Candidate> seen = new ArrayList<>();
        for (Candidate f : candidates) {
            for (GeoTag t : frames) {
                if (inView(t, f, blindM, halfFovDeg)) {
                    seen.add(f);
                    break;
                }
            }
        }
        return seen;
    }

    private boolean inView(GeoTag t, Candidate f, double blindM, double halfFovDeg) {
        if (!t.time().isAfter(f.lastSeen())) {
            return false;
        }
        double d = FlatEarth.distanceM(t.lat(), t.lon(), f.lat(), f.lon());
        if (d < blindM || d > rangeM) {
            return false;
        }
        double bearing = FlatEarth.bearingDeg(t.lat(), t.lon(), f.lat(), f.lon());
        return Math.abs(((bearing - t.headingDeg()) % 360 + 540) % 360 - 180) <= halfFovDeg;
    }

    /** How far ahead of the camera's foot point the road comes into the image (0 if it never leaves it). */
    static double blindZoneM(CameraModel camera) {
        return camera.pixelToGround(camera.imageWidth() / 2.0, camera.imageHeight())
                .map(GroundPoint::forwardM).orElse(0.0);
    }
}
