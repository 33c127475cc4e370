package dk.vejsyn.api.finding;

import dk.vejsyn.api.config.FindingProperties;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which finding each new observation belongs to: the nearest finding of its damage family
 * within its reach whose status still takes observations ({@link FindingStatus#MERGEABLE}), else a
 * finding it starts. Observations are taken in the order given (the store passes capture order), so
 * several sightings of one pothole in one batch gather in the finding the first of them started.
 *
 * <p>Reach by family ({@link DamageType#family()}):
 * <ul>
 *   <li>a pothole joins a pothole finding within the merge radius (a circle);
 *   <li>a crack of any kind joins a crack finding of any kind inside an ellipse around it, longer
 *       along the vehicle's heading than across it ({@link FindingProperties.CrackMerge}), nearest
 *       meaning the smallest share of the ellipse. The finding's type then follows the weight of its
 *       sightings' types ({@link MergingFinding#type()}).
 * </ul>
 *
 * <p>Why it is apart from the store: the rule that turns sightings into findings is the product's
 * core and must be testable without a database. It knows nothing of SQL, locks or ids beyond those
 * handed in; the store loads the nearby findings under its locks and writes the {@link Outcome}.
 */
final class FindingMerger {

    private final double mergeRadiusM;
    private final FindingProperties.CrackMerge crackMerge;
    private final FindingProperties.Severity severity;

    /**
     * @param mergeRadiusM how close (metres, {@link FlatEarth}) a pothole finding must be to take an observation
     * @param crackMerge the ellipse within which a crack finding takes a crack observation
     * @param severity the rule that grades merged findings
     */
    FindingMerger(double mergeRadiusM, FindingProperties.CrackMerge crackMerge, FindingProperties.Severity severity) {
        this.mergeRadiusM = mergeRadiusM;
        this.crackMerge = crackMerge;
        this.severity = severity;
    }

    /** A merger with the default crack merge. */
    FindingMerger(double mergeRadiusM, FindingProperties.Severity severity) {
        this(mergeRadiusM, FindingProperties.CrackMerge.DEFAULT, severity);
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
        Map<DamageType, List<MergingFinding>> byFamily = new EnumMap<>(DamageType.class);
        for (MergingFinding f : nearby) {
            if (FindingStatus.MERGEABLE.contains(f.status())) {
                byFamily.computeIfAbsent(f.family(), t -> new ArrayList<>()).add(f);
            }
        }
        List<MergingFinding> created = new ArrayList<>();
        List<MergingFinding> findingOf = new ArrayList<>(observations.size());
        for (NewObservation n : observations) {
            Observation o = n.observation();
            List<MergingFinding> sameFamily = byFamily.computeIfAbsent(o.type().family(), t -> new ArrayList<>());
            MergingFinding target = o.type().isCrack() ? nearestCrack(sameFamily, o) : nearest(sameFamily, o);
            if (target == null) {
                target = MergingFinding.started(o.type());
                created.add(target);
                sameFamily.add(target);
            }
            target.add(o, n.id());
            findingOf.add(target);
        }
        List<MergingFinding> updated = byFamily.values().stream().flatMap(List::stream)
                .filter(f -> f.addedCount() > 0 && !f.isNew()).toList();
        created.forEach(this::grade);
        updated.forEach(this::grade);
        return new Outcome(findingOf, created, updated);
    }

    /** The finding nearest to {@code o} within the merge radius (the first of equals), or {@code null}. */
    private MergingFinding nearest(List<MergingFinding> potholes, Observation o) {
        MergingFinding nearest = null;
        double nearestM = Double.MAX_VALUE;
        for (MergingFinding f : potholes) {
            double d = FlatEarth.distanceM(f.lat(), f.lon(), o.position().lat(), o.position().lon());
            if (d <= mergeRadiusM && d < nearestM) {
                nearest = f;
                nearestM = d;
            }
        }
        return nearest;
    }

    /**
     * The crack finding within the ellipse around {@code o} ({@code alongM} along the vehicle's
     * heading, {@code acrossM} across it) that fills the least of it (the first of equals), or
     * {@code null}. Without a heading the ellipse is a circle of {@code acrossM}.
     */
    private MergingFinding nearestCrack(List<MergingFinding> cracks, Observation o) {
        MergingFinding nearest = null;
        double nearestShare = Double.MAX_VALUE;
        double heading = Math.toRadians(o.vehicle().headingDeg());
        for (MergingFinding f : cracks) {
            double[] ne = FlatEarth.offsetM(o.position().lat(), o.position().lon(), f.lat(), f.lon());
            double along;
            double across;
            if (Double.isFinite(heading)) {
                along = ne[0] * Math.cos(heading) + ne[1] * Math.sin(heading);
                across = -ne[0] * Math.sin(heading) + ne[1] * Math.cos(heading);
            } else {
                along = Math.hypot(ne[0], ne[1]) * crackMerge.alongM() / crackMerge.acrossM();
                across = 0;
            }
            double a = along / crackMerge.alongM();
            double c = across / crackMerge.acrossM();
            double share = a * a + c * c;
            if (share <= 1 && share < nearestShare) {
                nearest = f;
                nearestShare = share;
            }
        }
        return nearest;
    }

    /** A merged finding's severity: by its type's size (area or length) and its observation count. */
    private void grade(MergingFinding f) {
        f.grade(severity.of(f.type(), f.areaM2(), f.lengthM(), f.observationCount()));
    }
}
