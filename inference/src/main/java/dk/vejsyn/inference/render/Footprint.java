package dk.vejsyn.inference.render;

/**
 * Road-aligned extent of a flat object on the road, in road coordinates (metres along the
 * route {@code s}, metres right of the centre line {@code d}), plus its true area.
 */
public record Footprint(double sMin, double sMax, double dMin, double dMax, double areaM2) {

    /** Centre of the road-aligned bounding rectangle: the object's reference position. */
    public double centreS() {
        return (sMin + sMax) / 2;
    }

    public double centreD() {
        return (dMin + dMax) / 2;
    }

    /** Extent along the road. */
    public double lengthM() {
        return sMax - sMin;
    }

    /** Extent across the road. */
    public double widthM() {
        return dMax - dMin;
    }
}
