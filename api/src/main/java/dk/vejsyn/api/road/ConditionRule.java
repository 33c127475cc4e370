package dk.vejsyn.api.road;

import java.util.Locale;

/**
 * A segment's condition from its open findings, in the spirit of the Pavement Condition Index
 * (ASTM D6433: distress type × severity × density → deduct values, 100 minus the deducts), much
 * simplified (README, "Road network"):
 *
 * <ul>
 *   <li>the segment's area is its length (at least half the maximum stretch length, so a short stub
 *       is not rated on one pothole alone) × lanes × lane width;
 *   <li>potholes: density {@code d} = 100 × Σ w(severity) / area (%, severity 3 counts 1);
 *       deduct {@code 60 × log10(1 + 10 d)};
 *   <li>cracks: {@code ρ} = Σ length × k / lane-metres (metres of crack per metre of lane; k = 2 for
 *       alligator cracking, else 1; a crack's severity is not weighed again: the store derives it
 *       from the same length); deduct {@code 40 × log10(1 + 10 ρ)};
 *   <li>total deduct = the larger + half the smaller (instead of ASTM's corrected deduct curves);
 *       index = 100 − total, at least 0;
 *   <li>rating: index above 85 → 5 (good), above 70 → 4, above 55 → 3, above 40 → 2, else 1 (PCI's
 *       good / satisfactory / fair / poor / very poor and worse).
 * </ul>
 */
public final class ConditionRule {
    /** w(severity) for severity 1..5: severity 3 counts as one. */
    static final double[] SEVERITY_WEIGHT = {0.5, 0.75, 1.0, 1.5, 2.0};
    static final double ALLIGATOR_FACTOR = 2.0;
    static final double POTHOLE_CURVE = 60;
    static final double CRACK_CURVE = 40;
    /** Lower index bounds of ratings 5, 4, 3, 2 (exclusive). */
    static final double[] BANDS = {85, 70, 55, 40};

    private final double minLengthM;
    private final int lanes;
    private final double laneWidthM;

    ConditionRule(RoadProperties props) {
        this.minLengthM = props.segmentLengthM() / 2;
        this.lanes = props.lanes();
        this.laneWidthM = props.laneWidthM();
    }

    /** 1 (worst) to 5 (good) with its index (0–100). */
    public record Rating(int condition, double index) {}

    /**
     * @param lengthM the segment's length
     * @param potholeWeight Σ w(severity) over its open potholes
     * @param crackWeight Σ length × k over its open cracks
     */
    Rating rate(double lengthM, double potholeWeight, double crackWeight) {
        double laneMetres = Math.max(lengthM, minLengthM) * lanes;
        double area = laneMetres * laneWidthM;
        double potholeDensity = 100 * potholeWeight / area;
        double crackDensity = crackWeight / laneMetres;
        double dp = Math.min(100, POTHOLE_CURVE * Math.log10(1 + 10 * potholeDensity));
        double dc = Math.min(100, CRACK_CURVE * Math.log10(1 + 10 * crackDensity));
        double total = Math.max(dp, dc) + 0.5 * Math.min(dp, dc);
        double index = Math.max(0, 100 - total);
        int condition = 1;
        for (int i = 0; i < BANDS.length; i++) {
            if (index > BANDS[i]) {
                condition = 5 - i;
                break;
            }
        }
        return new Rating(condition, Math.round(index * 10) / 10.0);
    }

    /** The weights as an SQL array literal (code constants, never input). */
    static String severityWeightsSql() {
        StringBuilder b = new StringBuilder("ARRAY[");
        for (int i = 0; i < SEVERITY_WEIGHT.length; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", SEVERITY_WEIGHT[i]));
        }
        return b.append("]::float8[]").toString();
    }
}
