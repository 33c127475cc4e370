package dk.vejsyn.api.finding;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A finding while observations merge into it: an existing one as loaded from the store, or a new
 * one started by the merger.
 *
 * <p>Why running sums rather than means: a finding's position, area, width and length are
 * score-weighted means of all its observations, and the store keeps the weighted sums
 * ({@code weight_sum}, {@code w_lat}, …) so that a later drive can add to them without reading
 * the finding's observations again. The means are the sums divided by {@link #weightSum()}.
 *
 * <p>The type works alike: the finding keeps the score weight of each damage type among its
 * observations ({@code type_weights}), and its type is decided from them ({@link #type()}), so a
 * crack typed differently from frame to frame takes the kind most of its sightings saw.
 *
 * <p>Mutable and not thread-safe: it lives within one ingest transaction.
 */
final class MergingFinding {

    /** Weight of an observation with score 0, so that it still counts a little. */
    static final double MIN_WEIGHT = 1e-3;

    private Long id;
    /** The family every observation of this finding belongs to ({@link DamageType#family()}). */
    private final DamageType family;
    private final Map<DamageType, Double> typeWeights = new EnumMap<>(DamageType.class);
    private final DamageType storedType;
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
        this.family = type.family();
        this.storedType = isNew ? null : type;
        this.isNew = isNew;
        this.status = status;
    }

    /** A finding the merger starts: open, no observations yet, id assigned once it is written. */
    static MergingFinding started(DamageType type) {
        return new MergingFinding(null, type, true, FindingStatus.OPEN);
    }

    /**
     * The state of a stored finding (its row's columns). {@code typeWeights} may be empty (a row
     * written before they were kept): then all the weight counts for the stored type.
     */
    record Stored(long id, DamageType type, FindingStatus status, double weightSum, double weightedLat,
            double weightedLon, double weightedArea, double weightedWidth, double weightedLength,
            int observationCount, Instant firstSeen, Instant lastSeen, float maxScore, Long bestObservationId,
            Float bestEvidenceScore, Map<DamageType, Double> typeWeights) {

        Stored(long id, DamageType type, FindingStatus status, double weightSum, double weightedLat,
                double weightedLon, double weightedArea, double weightedWidth, double weightedLength,
                int observationCount, Instant firstSeen, Instant lastSeen, float maxScore, Long bestObservationId,
                Float bestEvidenceScore) {
            this(id, type, status, weightSum, weightedLat, weightedLon, weightedArea, weightedWidth, weightedLength,
                    observationCount, firstSeen, lastSeen, maxScore, bestObservationId, bestEvidenceScore, Map.of());
        }
    }

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
        s.typeWeights().forEach((t, w) -> {
            if (t.family() == f.family && w > 0) {
                f.typeWeights.put(t, w);
            }
        });
        if (f.typeWeights.isEmpty()) {
            f.typeWeights.put(s.type(), s.weightSum());
        }
        return f;
    }

    /**
     * Adds one observation (stored under {@code observationId}). A finding that re-drives had made
     * {@code possibly_repaired} is open again: the damage was seen.
     */
    void add(Observation o, long observationId) {
        if (o.type().family() != family) {
            throw new IllegalArgumentException("a " + o.type().wireName() + " cannot join a finding of family "
                    + family.wireName());
        }
        double w = Math.max(o.score(), MIN_WEIGHT);
        weightSum += w;
        typeWeights.merge(o.type(), w, Double::sum);
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

    /**
     * The finding's type, from the score weight of each type among its observations: a pothole is a
     * pothole; a crack is the typed kind (longitudinal, transverse, alligator) with the most weight
     * (the first in declaration order of equals), and plain {@code crack} only when no sighting told
     * its kind. A sighting that could not tell the kind (far away, say) does not vote against one
     * that could.
     */
    DamageType type() {
        if (!family.isCrack()) {
            return family;
        }
        DamageType best = null;
        double bestWeight = 0;
        for (Map.Entry<DamageType, Double> e : typeWeights.entrySet()) {
            if (e.getKey() != DamageType.CRACK && e.getValue() > bestWeight) {
                best = e.getKey();
                bestWeight = e.getValue();
            }
        }
        return best != null ? best : DamageType.CRACK;
    }

    /** The family of its type: what observations may join it. */
    DamageType family() {
        return family;
    }

    /** The type as stored before this merge, or {@code null} for a started finding. */
    DamageType storedType() {
        return storedType;
    }

    /** Score weight of each type among the finding's observations. */
    Map<DamageType, Double> typeWeights() {
        return Collections.unmodifiableMap(typeWeights);
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
