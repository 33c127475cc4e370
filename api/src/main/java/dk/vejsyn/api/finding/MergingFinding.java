package dk.vejsyn.api.finding;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.time.Instant;

/**
 * A finding while observations merge into it: an existing one as loaded from the store, or a new
 * one started by the merger.
 *
 * <p>Why running sums rather than means: a finding's position, area, width and length are
 * score-weighted means of all its observations, and the store keeps the weighted sums
 * ({@code weight_sum}, {@code w_lat}, …) so that a later drive can add to them without reading
 * the finding's observations again. The means are the sums divided by {@link #weightSum()}.
 *
 * <p>Mutable and not thread-safe: it lives within one ingest transaction.
 */
final class MergingFinding {

    /** Weight of an observation with score 0, so that it still counts a little. */
    static final double MIN_WEIGHT = 1e-3;

    private Long id;
    private final DamageType type;
    private final boolean isNew;
    private FindingStatus status;
    private FindingStatus previousStatus;
    private double weightSum;
    private double weightedLat;
    private double weightedLon;
    private double weightedArea;
    private double weightedWidth;
    private double weightedLength;
    private int observationCount;
    private Instant firstSeen;
    private Instant lastSeen;
    private float maxScore;
    private Long bestObservationId;
    private Float bestEvidenceScore;
    private int addedCount;
    private Long firstAddedObservationId;
    private int severity;

    private MergingFinding(Long id, DamageType type, boolean isNew, FindingStatus status) {
        this.id = id;
        this.type = type;
        this.isNew = isNew;
        this.status = status;
    }

    /** A finding the merger starts: open, no observations yet, id assigned once it is written. */
    static MergingFinding started(DamageType type) {
        return new MergingFinding(null, type, true, FindingStatus.OPEN);
    }

    /** The state of a stored finding (its row's columns). */
    record Stored(long id, DamageType type, FindingStatus status, double weightSum, double weightedLat,
            double weightedLon, double weightedArea, double weightedWidth, double weightedLength,
            int observationCount, Instant firstSeen, Instant lastSeen, float maxScore, Long bestObservationId,
            Float bestEvidenceScore) {}

    /** A stored finding that observations may merge into. */
    static MergingFinding of(Stored s) {
        MergingFinding f = new MergingFinding(s.id(), s.type(), false, s.status());
        f.weightSum = s.weightSum();
        f.weightedLat = s.weightedLat();
        f.weightedLon = s.weightedLon();
        f.weightedArea = s.weightedArea();
        f.weightedWidth = s.weightedWidth();
        f.weightedLength = s.weightedLength();
        f.observationCount = s.observationCount();
        f.firstSeen = s.firstSeen();
        f.lastSeen = s.lastSeen();
        f.maxScore = s.maxScore();
        f.bestObservationId = s.bestObservationId();
        f.bestEvidenceScore = s.bestEvidenceScore();
        return f;
    }

    /**
     * Adds one observation (stored under {@code observationId}). A finding that re-drives had made
     * {@code possibly_repaired} is open again: the damage was seen.
     */
    void add(Observation o, long observationId) {
        double w = Math.max(o.score(), MIN_WEIGHT);
        weightSum += w;
        weightedLat += w * o.position().lat();
        weightedLon += w * o.position().lon();
        weightedArea += w * finite(o.areaM2());
        weightedWidth += w * finite(o.widthM());
        weightedLength += w * finite(o.lengthM());
        observationCount++;
        addedCount++;
        firstSeen = firstSeen == null || o.capturedAt().isBefore(firstSeen) ? o.capturedAt() : firstSeen;
        lastSeen = lastSeen == null || o.capturedAt().isAfter(lastSeen) ? o.capturedAt() : lastSeen;
        maxScore = Math.max(maxScore, o.score());
        if (o.evidenceJpeg() != null && (bestEvidenceScore == null || o.score() > bestEvidenceScore)) {
            bestObservationId = observationId;
            bestEvidenceScore = o.score();
        } else if (bestObservationId == null) {
            bestObservationId = observationId;
        }
        if (firstAddedObservationId == null) {
            firstAddedObservationId = observationId;
        }
        if (status == FindingStatus.POSSIBLY_REPAIRED) {
            previousStatus = status;
            status = FindingStatus.OPEN;
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** Grades the finding (the merger does, by the configured rule, once merging is done). */
    void grade(int newSeverity) {
        severity = newSeverity;
    }

    /** The severity given by {@link #grade}. */
    int severity() {
        return severity;
    }

    void assignId(long newId) {
        if (id != null) {
            throw new IllegalStateException("finding already has id " + id);
        }
        id = newId;
    }

    /** The id in the store; {@code null} for a started finding until it is written. */
    Long id() {
        return id;
    }

    DamageType type() {
        return type;
    }

    /** Started by this merge (not yet stored). */
    boolean isNew() {
        return isNew;
    }

    FindingStatus status() {
        return status;
    }

    /** The status before this merge reopened the finding, or {@code null} when it did not. */
    FindingStatus previousStatus() {
        return previousStatus;
    }

    double lat() {
        return weightedLat / weightSum;
    }

    double lon() {
        return weightedLon / weightSum;
    }

    double areaM2() {
        return weightedArea / weightSum;
    }

    double widthM() {
        return weightedWidth / weightSum;
    }

    double lengthM() {
        return weightedLength / weightSum;
    }

    double weightSum() {
        return weightSum;
    }

    double weightedLat() {
        return weightedLat;
    }

    double weightedLon() {
        return weightedLon;
    }

    double weightedArea() {
        return weightedArea;
    }

    double weightedWidth() {
        return weightedWidth;
    }

    double weightedLength() {
        return weightedLength;
    }

    int observationCount() {
        return observationCount;
    }

    Instant firstSeen() {
        return firstSeen;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    float maxScore() {
        return maxScore;
    }

    /** The observation whose evidence image represents the finding (highest score with an image). */
    Long bestObservationId() {
        return bestObservationId;
    }

    Float bestEvidenceScore() {
        return bestEvidenceScore;
    }

    /** Observations this merge added. */
    int addedCount() {
        return addedCount;
    }

    /** The first observation this merge added (events point at it), or {@code null}. */
    Long firstAddedObservationId() {
        return firstAddedObservationId;
    }
}
