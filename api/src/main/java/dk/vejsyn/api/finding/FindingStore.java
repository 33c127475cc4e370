package dk.vejsyn.api.finding;

import dk.vejsyn.api.config.FindingProperties;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.drive.DriveRepository;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingMerger.NewObservation;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Observation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The findings store: turns observations into de-duplicated findings, records re-drive evidence and
 * status changes. Usable outside HTTP (CLI, upload jobs, live ingest): every method is one
 * transaction and takes the municipality's code.
 *
 * <p>Why a facade: each step has its own class, and this one only orders them within a
 * transaction. Merging follows {@link FindingMerger} (nearest mergeable finding of the same family
 * within {@code vejsyn.findings.merge-radius-m} for potholes, within the {@code crack-merge} ellipse
 * for cracks; score-weighted means); re-drives follow
 * {@link RedriveEvaluator}; the SQL is in {@link FindingRepository} and {@link ObservationRepository}.
 * Writers first take {@link CellLocks} around every point they touch, so two writers near the same
 * pothole run one after the other and never create two findings, and writers elsewhere do not wait.
 */
@Service
public class FindingStore {

    private static final Logger log = LoggerFactory.getLogger(FindingStore.class);

    private final JdbcTemplate jdbc;
    private final Municipalities municipalities;
    private final DriveRepository drives;
    private final FindingProperties props;
    private final FindingMerger merger;
    private final RedriveEvaluator redrives;
    private final CellLocks locks;
    private final FindingRepository findings = new FindingRepository();
    private final ObservationRepository observations = new ObservationRepository();

    public FindingStore(JdbcTemplate jdbc, Municipalities municipalities, DriveRepository drives,
            FindingProperties props) {
        this.jdbc = jdbc;
        this.municipalities = municipalities;
        this.drives = drives;
        this.props = props;
        this.merger = new FindingMerger(props.mergeRadiusM(), props.crackMerge(), props.severity());
        this.redrives = new RedriveEvaluator(props.redriveRangeM());
        this.locks = new CellLocks(props.lockCellM());
    }

    /**
     * Stores observations of one drive and merges them into findings. Idempotent per observation:
     * an observation with the same drive, source, frame index, type and box is skipped.
     *
     * @param municipalityCode three-digit code, e.g. {@code "461"}
     * @param drive the drive the observations come from (created or widened)
     * @param observations observations in any order
     * @throws ApiException 404 when the municipality is unknown
     */
    @Transactional
    public IngestResult ingest(String municipalityCode, DriveInfo drive, List<Observation> observations) {
        long start = System.nanoTime();
        Municipality m = municipalities.require(municipalityCode);
        long driveId = drives.upsert(m.id(), drive);
        if (observations.isEmpty()) {
            return new IngestResult(driveId, 0, 0, 0, 0, List.of());
        }
        log.debug("drive upsert {} ms", (System.nanoTime() - start) / 1_000_000);
        IngestResult r = jdbc.execute((ConnectionCallback<IngestResult>) c -> ingest(c, m, drive, driveId, observations));
        log.debug("ingest total before commit {} ms", (System.nanoTime() - start) / 1_000_000);
        return r;
    }

    private IngestResult ingest(Connection c, Municipality m, DriveInfo drive, long driveId, List<Observation> input)
            throws SQLException {
        // Distinct observations by their natural key, in capture order.
        Map<String, Observation> byKey = new LinkedHashMap<>();
        input.stream().sorted(Comparator.comparing(Observation::capturedAt))
                .forEach(o -> byKey.putIfAbsent(ObservationRepository.keyOf(o), o));
        List<Observation> distinct = new ArrayList<>(byKey.values());

        long t0 = System.nanoTime();
        locks.lock(c, m.id(), distinct.stream()
                .map(o -> new CellLocks.Point(o.type(), o.position().lat(), o.position().lon())).toList());

        // Under the locks no other writer can add these frames' observations: skip those already stored.
        long t1 = System.nanoTime();
        Map<String, Long> stored = observations.storedFindingIds(c, driveId, distinct);
        List<Observation> fresh = distinct.stream().filter(o -> !stored.containsKey(ObservationRepository.keyOf(o))).toList();
        long[] obsIds = SqlColumns.nextIds(c, ObservationRepository.ID_SEQUENCE, fresh.size());
        List<NewObservation> numbered = IntStream.range(0, fresh.size())
                .mapToObj(i -> new NewObservation(obsIds[i], fresh.get(i))).toList();
        long t2 = System.nanoTime();

        List<MergingFinding> nearby = findings.mergeableNear(c, m.id(), fresh, props.maxMergeReachM());
        long t3 = System.nanoTime();
        FindingMerger.Outcome merged = merger.merge(numbered, nearby);

        // Findings first (observations reference them), then observations, then events.
        long t4 = System.nanoTime();
        long[] newIds = SqlColumns.nextIds(c, FindingRepository.ID_SEQUENCE, merged.created().size());
        for (int i = 0; i < newIds.length; i++) {
            merged.created().get(i).assignId(newIds[i]);
        }
        findings.insertStarted(c, m.id(), merged.created());
        findings.updateMerged(c, merged.updated());
        long[] findingIds = merged.findingOf().stream().mapToLong(MergingFinding::id).toArray();
        int written = observations.insert(c, m.id(), driveId, numbered, findingIds);
        if (written != fresh.size()) {
            // Only a writer bypassing the cell locks could do this; roll back rather than miscount.
            throw new IllegalStateException("concurrent insert of the same observations for drive " + driveId);
        }
        findings.writeMergeEvents(c, m.id(), driveId, drive.externalRef(), merged.created(), merged.updated());
        long t5 = System.nanoTime();
        if (log.isDebugEnabled()) {
            log.debug("ingest {} observations: lock {} ms, dedupe {} ms, candidates {} ms, merge {} ms, write {} ms",
                    distinct.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                    (t4 - t3) / 1_000_000, (t5 - t4) / 1_000_000);
        }

        // Result: the finding of every input observation, duplicates included.
        Map<String, Long> findingByKey = new HashMap<>(stored);
        for (int i = 0; i < fresh.size(); i++) {
            findingByKey.put(ObservationRepository.keyOf(fresh.get(i)), findingIds[i]);
        }
        List<Long> ids = input.stream().map(o -> findingByKey.get(ObservationRepository.keyOf(o))).toList();
        return new IngestResult(driveId, fresh.size(), input.size() - fresh.size(), merged.created().size(),
                merged.updated().size(), ids);
    }

    /**
     * Records a drive's pass over known findings: every open, confirmed or scheduled finding that a
     * frame had in view ({@link RedriveEvaluator}: within {@code vejsyn.findings.redrive-range-m},
     * beyond the camera's blind zone, inside its horizontal field of view), captured after the
     * finding was last seen, and that got no observation from this drive, gets one {@code not_seen}
     * event. When a finding's not-seen count reaches {@code vejsyn.findings.not-seen-passes} it
     * becomes {@code possibly_repaired}. Evaluating the same drive twice changes nothing.
     *
     * @param frames the drive's frame tags; frames without a heading are ignored
     */
    @Transactional
    public RedriveResult recordPass(String municipalityCode, String driveRef, List<GeoTag> frames, CameraModel camera) {
        Municipality m = municipalities.require(municipalityCode);
        long driveId = drives.findId(m.id(), driveRef)
                .orElseGet(() -> drives.upsert(m.id(), DriveInfo.fromFrames(driveRef, null, frames)));
        List<GeoTag> tagged = frames.stream().filter(GeoTag::hasHeading).toList();
        if (tagged.isEmpty()) {
            return new RedriveResult(driveId, List.of(), List.of(), List.of());
        }
        return jdbc.execute((ConnectionCallback<RedriveResult>) c -> {
            List<RedriveEvaluator.Candidate> candidates =
                    findings.watchedNear(c, m.id(), driveId, tagged, props.redriveRangeM());
            List<RedriveEvaluator.Candidate> seen = redrives.inView(tagged, camera, candidates);
            if (seen.isEmpty()) {
                return new RedriveResult(driveId, List.of(), List.of(), List.of());
            }
            List<Long> inView = seen.stream().map(RedriveEvaluator.Candidate::id).toList();
            locks.lock(c, m.id(), seen.stream().map(f -> new CellLocks.Point(f.type(), f.lat(), f.lon())).toList());
            List<Long> notSeen = findings.recordNotSeen(c, m.id(), driveId, driveRef, inView);
            List<Long> possiblyRepaired = notSeen.isEmpty() ? new ArrayList<>()
                    : findings.countNotSeenPass(c, m.id(), driveId, notSeen, props.notSeenPasses());
            return new RedriveResult(driveId, inView, notSeen, possiblyRepaired);
        });
    }

    /**
     * A planner's status change. Refused with a 409 problem ({@code invalid-transition}) when the
     * workflow does not allow it (see {@link FindingStatus}); recorded as a {@code status_changed} event.
     */
    @Transactional
    public void changeStatus(String municipalityCode, long findingId, FindingStatus to, String actor, String note) {
        Municipality m = municipalities.require(municipalityCode);
        jdbc.execute((ConnectionCallback<Void>) c -> {
            FindingStatus from = findings.statusForUpdate(c, m.id(), findingId)
                    .orElseThrow(() -> ApiException.findingNotFound(findingId));
            if (!from.canMoveTo(to)) {
                throw ApiException.conflict("invalid-transition", "Invalid status transition",
                        "finding " + findingId + " cannot go from " + from.wireName() + " to " + to.wireName()
                                + (from.plannerTargets().isEmpty() ? "" : "; allowed: " + from.plannerTargets().stream()
                                        .map(FindingStatus::wireName).sorted().toList()));
            }
            findings.changeStatus(c, m.id(), findingId, from, to, actor, note);
            return null;
        });
    }
}
