package dk.vejsyn.inference.render;

/**
 * Cross-section of a two-way street in road coordinates: {@code d} is metres to the right of
 * the centre line, the carriageway spans {@code [-widthM/2, widthM/2]}, vehicles keep right
 * (Denmark), so the driving lane's centre is at {@code +widthM/4}.
 *
 * @param widthM carriageway width between the kerbs or verges
 * @param centreLine whether a dashed centre line is painted
 * @param edgeLines whether solid edge lines are painted
 * @param verge what lies beyond the carriageway
 * @param vergeWidthM width of pavement or grass before the roadside (buildings, trees)
 */
public record RoadLayout(double widthM, boolean centreLine, boolean edgeLines, Verge verge, double vergeWidthM) {

    /** What borders the carriageway. */
    public enum Verge { PAVEMENT, GRASS }

    public RoadLayout {
        if (!(widthM >= 4 && widthM <= 14)) {
            throw new IllegalArgumentException("road width must be in [4, 14] m: " + widthM);
        }
    }

    /** Lateral position of the right-hand (driving) lane's centre. */
    public double drivingLaneCentreM() {
        return widthM / 4;
    }

    public double halfWidthM() {
        return widthM / 2;
    }

    /** A typical Danish municipal street: 6.5 m, centre line, kerbs and pavements. */
    public static RoadLayout municipalStreet() {
        return new RoadLayout(6.5, true, true, Verge.PAVEMENT, 3.0);
    }
}
