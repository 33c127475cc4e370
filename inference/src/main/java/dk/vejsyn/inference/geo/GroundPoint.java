package dk.vejsyn.inference.geo;

/**
 * A point on the (flat) road surface relative to the camera's foot point: {@code forwardM}
 * metres ahead along the vehicle's heading and {@code rightM} metres to its right.
 */
public record GroundPoint(double forwardM, double rightM) {

    /** Straight-line distance from the camera's foot point on the ground. */
    public double distanceM() {
        return Math.hypot(forwardM, rightM);
    }
}
