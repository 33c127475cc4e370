package dk.vejsyn.inference.render;

/**
 * Something on the road that is not a pothole but could fool a detector: a crack, a
 * rectangular patch, a manhole cover or road paint. Placed at road position {@code (s, d)}.
 *
 * @param seed drives the object's own detail (crack path, paint symbol) so it is reproducible
 */
public record Distractor(String id, Kind kind, double sM, double dM, double lengthM, double widthM,
        double angleRad, long seed) {

    /** Kinds of distractors, with their ground-truth type names. */
    public enum Kind {
        CRACK("crack", true),
        PATCH("patch", false),
        MANHOLE("manhole_cover", false),
        ROAD_PAINT("road_paint", false);

        private final String wireName;
        private final boolean damage;

        Kind(String wireName, boolean damage) {
            this.wireName = wireName;
            this.damage = damage;
        }

        public String wireName() {
            return wireName;
        }

        /** Whether it is road damage at all (cracks are, just not potholes). */
        public boolean isDamage() {
            return damage;
        }
    }

    /** Road-aligned extents (ignoring the small rotation of patches and paint). */
    public Footprint footprint() {
        double c = Math.abs(Math.cos(angleRad));
        double s = Math.abs(Math.sin(angleRad));
        double hl = (lengthM * c + widthM * s) / 2;
        double hw = (lengthM * s + widthM * c) / 2;
        double area = kind == Kind.MANHOLE ? Math.PI * lengthM * lengthM / 4 : lengthM * widthM;
        return new Footprint(sM - hl, sM + hl, dM - hw, dM + hw, area);
    }
}
