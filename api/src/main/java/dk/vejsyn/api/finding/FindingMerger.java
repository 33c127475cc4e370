package dk.vejsyn.api.finding;

import dk.vejsyn.api.config.FindingProperties;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which finding each new observation belongs to: the nearest finding of its damage type
 * within the merge radius whose status still takes observations ({@link FindingStatus#MERGEABLE}),
 * else a finding it starts. Observations are taken in the order given (the store passes capture
 * order), so several sightings of one pothole in one batch gather in the finding the first of them
 * started.
 *
 * <p>Why it is apart from the store: the rule that turns sightings into findings is the product's
 * core and must be testable without a database. It knows nothing of SQL, locks or ids beyond those
 * handed in; the store loads the nearby findings under its locks and writes the {@link Outcome}.
 */
final class FindingMerger {

    private final double mergeRadiusM;
    private final FindingProperties.Severity severity;

    /**
     * @param mergeRadiusM how close (metres, {@link FlatEarth}) a finding must be to take an observation
     * @param severity the rule that grades merged findings
     */
    FindingMerger(double mergeRadiusM, FindingProperties.Severity severity) {
        this.mergeRadiusM = mergeRadiusM;
        this.severity = severity;
    }

    /** An observation to merge and the id it will be stored under. */
    record NewObservation(long id, Observation observation) {}

    /**
     * What a merge decided. The created and updated findings carry their new position, size, score
     * and severity.
     *
     * @param findingOf for each input observation in order, the finding it joined
     * @param created findings started by this merge, in the order they were started
     * @param updated existing findings that received observations (by type, then in the order given)
     */
    record Outcome(List<MergingFinding> findingOf, List<MergingFinding> created, List<MergingFinding> updated) {}

    /**
     * Merges {@code observations} into {@code nearby} (existing findings near them, in id order; the
     * merger updates them in place) and into findings it starts.
     */
    Outcome merge(List<NewObservation> observations, List<MergingFinding> nearby) {
        Map<DamageType, List<MergingFinding>> byType = new EnumMap<>(DamageType.class);
        for (MergingFinding f : nearby) {
            if (FindingStatus.MERGEABLE.contains(f.status())) {
                byType.computeIfAbsent(f.type(), t -> new ArrayList<>()).add(f);
            }
        }
        List<MergingFinding> created = new ArrayList<>();
        List<MergingFinding> findingOf = new ArrayList<>(observations.size());
        for (NewObservation n : observations) {
            Observation o = n.observation();
            List<MergingFinding> sameType = byType.computeIfAbsent(o.type(), t -> new ArrayList<>());
            MergingFinding target = nearest(sameType, o);
            if (target == null) {
                target = MergingFinding.started(o.type());
                created.add(target);
                sameType.add(target);
            }
            target.add(o, n.id());
            findingOf.add(target);
        }
        List<MergingFinding> updated = byType.values().stream().flatMap(List::stream)
                .filter(f -> f.addedCount() > 0 && !f.isNew()).toList();
        created.forEach(this::grade);
        updated.forEach(this::grade);
        return new Outcome(findingOf, created, updated);
    }

    /** The finding nearest to {@code o} within the merge radius (the first of equals), or {@code null}. */
    private MergingFinding nearest(List<MergingFinding> sameType, Observation o) {
        MergingFinding nearest = null;
        double nearestM = Double.MAX_VALUE;
        for (MergingFinding f : sameType) {
            double d = FlatEarth.distanceM(f.lat(), f.lon(), o.position().lat(), o.position().lon());
            if (d <= mergeRadiusM && d < nearestM) {
                nearest = f;
                nearestM = d;
            }
        }
        return nearest;
    }

    /** A merged finding's severity: from its mean area and its observation count. */
    private void grade(MergingFinding f) {
        f.grade(severity.of(f.areaM2(), f.observationCount()));
    }
}
