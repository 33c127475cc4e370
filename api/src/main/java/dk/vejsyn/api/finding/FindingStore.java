package dk.vejsyn.api.finding;

import dk.vejsyn.api.config.FindingProperties;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.drive.DriveRepository;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.GroundPoint;
import dk.vejsyn.inference.geo.Observation;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The findings store: turns observations into de-duplicated findings, records re-drive evidence and
 * status changes. Usable outside HTTP (CLI, ingest jobs): every method is one transaction and takes
 * the municipality's code.
 *
 * <p>Merging: an observation joins the nearest finding of its type within
 * {@code vejsyn.findings.merge-radius-m} whose status is open, confirmed, scheduled or
 * possibly_repaired, else it starts a new finding. A finding's position, area, width and length are
 * score-weighted means of its observations. Writers first take transaction-scoped advisory locks on
 * (municipality, type, grid cell) for the cell of every observation and its 8 neighbours, in
 * ascending key order, so two writers near the same pothole run one after the other and never create
 * two findings, and writers elsewhere do not wait. Cells are {@code lock-cell-m / 111320} degrees on
 * both axes, which stays at least the merge radius in metres up to about 60° latitude with the defaults.
 */
@Service
public class FindingStore {

    private static final Logger log = LoggerFactory.getLogger(FindingStore.class);
    static final double M_PER_DEG = 111_320.0;
    static final String SYSTEM_ACTOR = "system";

    private final JdbcTemplate jdbc;
    private final Municipalities municipalities;
    private final DriveRepository drives;
    private final FindingProperties props;

    public FindingStore(JdbcTemplate jdbc, Municipalities municipalities, DriveRepository drives,
            FindingProperties props) {
        this.jdbc = jdbc;
        this.municipalities = municipalities;
        this.drives = drives;
        this.props = props;
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
                .forEach(o -> byKey.putIfAbsent(key(o.source(), o.frameIndex(), o.type().wireName(),
                        (float) o.box().x1(), (float) o.box().y1(), (float) o.box().x2(), (float) o.box().y2()), o));
        List<Observation> obs = new ArrayList<>(byKey.values());

        long t0 = System.nanoTime();
        lockCells(c, m.id(), obs.stream().map(o -> new double[] {o.type().ordinal(), o.position().lat(), o.position().lon()}).toList());

        // Under the locks no other writer can add these frames' observations: skip those already stored.
        long t1 = System.nanoTime();
        Map<String, Long> existing = existingFindingIds(c, driveId, obs);
        List<Observation> fresh = obs.stream().filter(o -> !existing.containsKey(keyOf(o))).toList();
        long[] obsIds = nextIds(c, "observation_id_seq", fresh.size());
        long t2 = System.nanoTime();

        // Open findings near any new observation.
        Map<DamageType, List<Acc>> candidates = loadCandidates(c, m.id(), fresh);

        long t3 = System.nanoTime();
        double radius = props.mergeRadiusM();
        List<Acc> created = new ArrayList<>();
        Acc[] findingOf = new Acc[fresh.size()];
        for (int i = 0; i < fresh.size(); i++) {
            Observation o = fresh.get(i);
            List<Acc> list = candidates.computeIfAbsent(o.type(), t -> new ArrayList<>());
            Acc best = null;
            double bestD = Double.MAX_VALUE;
            for (Acc a : list) {
                double d = distanceM(a.lat(), a.lon(), o.position().lat(), o.position().lon());
                if (d <= radius && d < bestD) {
                    best = a;
                    bestD = d;
                }
            }
            if (best == null) {
                best = new Acc(o.type());
                created.add(best);
                list.add(best);
            }
            best.add(o, obsIds[i]);
            findingOf[i] = best;
        }

        // Findings first (observations reference them), then observations, then events.
        long t4 = System.nanoTime();
        long[] newIds = nextIds(c, "finding_id_seq", created.size());
        for (int i = 0; i < created.size(); i++) {
            created.get(i).id = newIds[i];
        }
        List<Acc> updated = candidates.values().stream().flatMap(List::stream)
                .filter(a -> a.added > 0 && !a.isNew).toList();
        insertFindings(c, m.id(), created);
        updateFindings(c, updated);
        long[] findingIds = new long[fresh.size()];
        for (int i = 0; i < fresh.size(); i++) {
            findingIds[i] = findingOf[i].id;
        }
        int stored = insertObservations(c, m.id(), driveId, fresh, obsIds, findingIds);
        if (stored != fresh.size()) {
            // Only a writer bypassing the cell locks could do this; roll back rather than miscount.
            throw new IllegalStateException("concurrent insert of the same observations for drive " + driveId);
        }
        writeIngestEvents(c, m.id(), driveId, drive.externalRef(), created, updated);
        long t5 = System.nanoTime();
        if (log.isDebugEnabled()) {
            log.debug("ingest {} observations: lock {} ms, dedupe {} ms, candidates {} ms, merge {} ms, write {} ms",
                    obs.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                    (t4 - t3) / 1_000_000, (t5 - t4) / 1_000_000);
        }

        // Result: the finding of every input observation, duplicates included.
        Map<String, Long> findingByKey = new HashMap<>(existing);
        for (int i = 0; i < fresh.size(); i++) {
            findingByKey.put(keyOf(fresh.get(i)), findingIds[i]);
        }
        List<Long> ids = input.stream().map(o -> findingByKey.get(keyOf(o))).toList();
        return new IngestResult(driveId, fresh.size(), input.size() - fresh.size(), created.size(), updated.size(), ids);
    }

    /**
     * Records a drive's pass over known findings: every open, confirmed or scheduled finding that a
     * frame had in view (within {@code vejsyn.findings.redrive-range-m}, beyond the camera's blind
     * zone, inside its horizontal field of view), captured after the finding was last seen, and that
     * got no observation from this drive, gets one {@code not_seen} event. When a finding's not-seen
     * count reaches {@code vejsyn.findings.not-seen-passes} it becomes {@code possibly_repaired}.
     * Evaluating the same drive twice changes nothing.
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
        double range = props.redriveRangeM();
        double halfFov = camera.horizontalFovDeg() / 2;
        double blind = camera.pixelToGround(camera.imageWidth() / 2.0, camera.imageHeight())
                .map(GroundPoint::forwardM).orElse(0.0);
        return jdbc.execute((ConnectionCallback<RedriveResult>) c -> {
            record Cand(long id, double lat, double lon, int type, Instant lastSeen) {}
            List<Cand> cands = new ArrayList<>();
            double maxLat = tagged.stream().mapToDouble(t -> Math.abs(t.lat())).max().orElse(0);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT ON (f.id) f.id, ST_Y(f.geom), ST_X(f.geom), f.damage_type, f.last_seen_at
                    FROM finding f
                    JOIN unnest(?::float8[], ?::float8[]) AS p(lat, lon)
                      ON f.geom && ST_Expand(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), ?)
                    WHERE f.municipality_id = ? AND f.status IN ('open', 'confirmed', 'scheduled')
                      AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.finding_id = f.id AND o.drive_id = ?)
                    ORDER BY f.id""")) {
                ps.setArray(1, c.createArrayOf("float8", tagged.stream().map(GeoTag::lat).toArray(Double[]::new)));
                ps.setArray(2, c.createArrayOf("float8", tagged.stream().map(GeoTag::lon).toArray(Double[]::new)));
                ps.setDouble(3, expandDeg(range, maxLat));
                ps.setInt(4, m.id());
                ps.setLong(5, driveId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        cands.add(new Cand(rs.getLong(1), rs.getDouble(2), rs.getDouble(3),
                                DamageType.fromName(rs.getString(4)).ordinal(), rs.getTimestamp(5).toInstant()));
                    }
                }
            }
            List<Long> inView = new ArrayList<>();
            List<double[]> lockPoints = new ArrayList<>();
            for (Cand f : cands) {
                for (GeoTag t : tagged) {
                    if (!t.time().isAfter(f.lastSeen())) {
                        continue;
                    }
                    double d = distanceM(t.lat(), t.lon(), f.lat(), f.lon());
                    if (d < blind || d > range) {
                        continue;
                    }
                    double diff = Math.abs(((bearingDeg(t.lat(), t.lon(), f.lat(), f.lon()) - t.headingDeg()) % 360 + 540) % 360 - 180);
                    if (diff <= halfFov) {
                        inView.add(f.id());
                        lockPoints.add(new double[] {f.type(), f.lat(), f.lon()});
                        break;
                    }
                }
            }
            if (inView.isEmpty()) {
                return new RedriveResult(driveId, List.of(), List.of(), List.of());
            }
            lockCells(c, m.id(), lockPoints);
            List<Long> notSeen = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO finding_event (municipality_id, finding_id, kind, actor, drive_id, note)
                    SELECT ?, f.id, 'not_seen', ?, ?, ? FROM finding f
                    WHERE f.id = ANY(?) AND f.status IN ('open', 'confirmed', 'scheduled')
                    ON CONFLICT (finding_id, drive_id) WHERE kind = 'not_seen' DO NOTHING
                    RETURNING finding_id""")) {
                ps.setInt(1, m.id());
                ps.setString(2, SYSTEM_ACTOR);
                ps.setLong(3, driveId);
                ps.setString(4, "in view of drive " + driveRef + " but not detected");
                ps.setArray(5, c.createArrayOf("int8", inView.toArray(Long[]::new)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        notSeen.add(rs.getLong(1));
                    }
                }
            }
            List<Long> possiblyRepaired = new ArrayList<>();
            if (!notSeen.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        WITH bumped AS (
                            UPDATE finding f SET not_seen_count = f.not_seen_count + 1, updated_at = now(),
                                status = CASE WHEN f.not_seen_count + 1 >= ? THEN 'possibly_repaired' ELSE f.status END
                            FROM finding old WHERE old.id = f.id AND f.id = ANY(?)
                            RETURNING f.id, old.status AS from_status, f.status AS to_status)
                        INSERT INTO finding_event (municipality_id, finding_id, kind, actor, from_status, to_status, drive_id, note)
                        SELECT ?, id, 'status_changed', ?, from_status, to_status, ?, ? FROM bumped
                        WHERE to_status = 'possibly_repaired' AND from_status <> to_status
                        RETURNING finding_id""")) {
                    ps.setInt(1, props.notSeenPasses());
                    ps.setArray(2, c.createArrayOf("int8", notSeen.toArray(Long[]::new)));
                    ps.setInt(3, m.id());
                    ps.setString(4, SYSTEM_ACTOR);
                    ps.setLong(5, driveId);
                    ps.setString(6, "not seen on " + props.notSeenPasses() + " passes");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            possiblyRepaired.add(rs.getLong(1));
                        }
                    }
                }
            }
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
        String current = jdbc.query("SELECT status FROM finding WHERE id = ? AND municipality_id = ? FOR UPDATE",
                rs -> rs.next() ? rs.getString(1) : null, findingId, m.id());
        if (current == null) {
            throw ApiException.findingNotFound(findingId);
        }
        FindingStatus from = FindingStatus.fromWire(current);
        if (!from.canMoveTo(to)) {
            throw ApiException.conflict("invalid-transition", "Invalid status transition",
                    "finding " + findingId + " cannot go from " + from.wireName() + " to " + to.wireName()
                            + (from.plannerTargets().isEmpty() ? "" : "; allowed: " + from.plannerTargets().stream()
                                    .map(FindingStatus::wireName).sorted().toList()));
        }
        jdbc.update("UPDATE finding SET status = ?, updated_at = now(), not_seen_count = CASE WHEN ? THEN 0 ELSE not_seen_count END WHERE id = ?",
                to.wireName(), to == FindingStatus.OPEN || to == FindingStatus.CONFIRMED, findingId);
        jdbc.update("""
                INSERT INTO finding_event (municipality_id, finding_id, kind, actor, from_status, to_status, note)
                VALUES (?, ?, 'status_changed', ?, ?, ?, ?)""", m.id(), findingId, actor, from.wireName(), to.wireName(), note);
    }

    // ---- merging internals ----

    /** A finding being merged into: running score-weighted sums. */
    private final class Acc {
        Long id;
        final DamageType type;
        boolean isNew;
        String status = "open";
        String previousStatus;
        double wsum, wlat, wlon, warea, wwidth, wlength;
        int count;
        Instant first, last;
        float maxScore;
        Long bestObs;
        Float bestEvScore;
        int added;
        Long firstAddedObs;
        final List<Long> addedObs = new ArrayList<>();

        Acc(DamageType type) {
            this.type = type;
            this.isNew = true;
        }

        Acc(ResultSet rs) throws SQLException {
            id = rs.getLong("id");
            type = DamageType.fromName(rs.getString("damage_type"));
            status = rs.getString("status");
            wsum = rs.getDouble("weight_sum");
            wlat = rs.getDouble("w_lat");
            wlon = rs.getDouble("w_lon");
            warea = rs.getDouble("w_area");
            wwidth = rs.getDouble("w_width");
            wlength = rs.getDouble("w_length");
            count = rs.getInt("observation_count");
            first = rs.getTimestamp("first_seen_at").toInstant();
            last = rs.getTimestamp("last_seen_at").toInstant();
            maxScore = rs.getFloat("max_score");
            long b = rs.getLong("best_observation_id");
            bestObs = rs.wasNull() ? null : b;
            float e = rs.getFloat("best_evidence_score");
            bestEvScore = rs.wasNull() ? null : e;
        }

        double lat() {
            return wlat / wsum;
        }

        double lon() {
            return wlon / wsum;
        }

        void add(Observation o, long obsId) {
            double w = Math.max(o.score(), 1e-3);
            wsum += w;
            wlat += w * o.position().lat();
            wlon += w * o.position().lon();
            warea += w * finite(o.areaM2());
            wwidth += w * finite(o.widthM());
            wlength += w * finite(o.lengthM());
            count++;
            added++;
            first = first == null || o.capturedAt().isBefore(first) ? o.capturedAt() : first;
            last = last == null || o.capturedAt().isAfter(last) ? o.capturedAt() : last;
            maxScore = Math.max(maxScore, o.score());
            if (o.evidenceJpeg() != null && (bestEvScore == null || o.score() > bestEvScore)) {
                bestObs = obsId;
                bestEvScore = o.score();
            } else if (bestObs == null) {
                bestObs = obsId;
            }
            if (firstAddedObs == null) {
                firstAddedObs = obsId;
            }
            if ("possibly_repaired".equals(status)) {
                previousStatus = status;
                status = "open";
            }
            addedObs.add(obsId);
        }

        int severity() {
            return props.severity().of(warea / wsum, count);
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private void lockCells(Connection c, int municipalityId, List<double[]> typeLatLon) throws SQLException {
        double cell = props.lockCellM() / M_PER_DEG;
        TreeSet<Long> keys = new TreeSet<>();
        for (double[] p : typeLatLon) {
            long cy = (long) Math.floor(p[1] / cell);
            long cx = (long) Math.floor(p[2] / cell);
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    keys.add(lockKey(municipalityId, (int) p[0], cx + dx, cy + dy));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest(?::int8[]) AS k ORDER BY k) s")) {
            ps.setArray(1, c.createArrayOf("int8", keys.toArray(Long[]::new)));
            ps.executeQuery().close();
        }
    }

    static long lockKey(int municipalityId, int type, long cx, long cy) {
        long h = 0x5645_4A53_594EL; // "VEJSYN"
        h = mix(h ^ municipalityId);
        h = mix(h ^ type);
        h = mix(h ^ cx);
        h = mix(h ^ cy);
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private int insertObservations(Connection c, int municipalityId, long driveId, List<Observation> obs, long[] ids,
            long[] findingIds) throws SQLException {
        int n = obs.size();
        if (n == 0) {
            return 0;
        }
        Double[] lat = new Double[n], lon = new Double[n], dist = new Double[n], w = new Double[n], l = new Double[n],
                a = new Double[n], cap = new Double[n], vlat = new Double[n], vlon = new Double[n], vh = new Double[n],
                vs = new Double[n];
        String[] type = new String[n], src = new String[n];
        Float[] score = new Float[n], x1 = new Float[n], y1 = new Float[n], x2 = new Float[n], y2 = new Float[n];
        Long[] fi = new Long[n];
        byte[][] ev = new byte[n][];
        for (int i = 0; i < n; i++) {
            Observation o = obs.get(i);
            lat[i] = o.position().lat();
            lon[i] = o.position().lon();
            dist[i] = nullIfNaN(o.distanceM());
            w[i] = nullIfNaN(o.widthM());
            l[i] = nullIfNaN(o.lengthM());
            a[i] = nullIfNaN(o.areaM2());
            Instant t = o.capturedAt();
            cap[i] = t.getEpochSecond() + t.getNano() / 1e9;
            vlat[i] = o.vehicle().lat();
            vlon[i] = o.vehicle().lon();
            vh[i] = nullIfNaN(o.vehicle().headingDeg());
            vs[i] = nullIfNaN(o.vehicle().speedMps());
            type[i] = o.type().wireName();
            src[i] = o.source();
            score[i] = o.score();
            x1[i] = (float) o.box().x1();
            y1[i] = (float) o.box().y1();
            x2[i] = (float) o.box().x2();
            y2[i] = (float) o.box().y2();
            fi[i] = o.frameIndex();
            ev[i] = o.evidenceJpeg();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO observation (id, finding_id, municipality_id, drive_id, geom, damage_type, score, distance_m, width_m,
                    length_m, area_m2, captured_at, vehicle_geom, vehicle_heading, vehicle_speed, source, frame_index,
                    box_x1, box_y1, box_x2, box_y2, evidence_jpeg)
                SELECT t.id, t.fid, ?, ?, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), t.type, t.score, t.dist, t.w, t.l, t.a,
                    to_timestamp(t.cap), ST_SetSRID(ST_MakePoint(t.vlon, t.vlat), 4326), t.vh, t.vs, t.src, t.fi,
                    t.x1, t.y1, t.x2, t.y2, t.ev
                FROM unnest(?::int8[], ?::int8[], ?::float8[], ?::float8[], ?::text[], ?::real[], ?::float8[], ?::float8[],
                    ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::text[],
                    ?::int8[], ?::real[], ?::real[], ?::real[], ?::real[], ?::bytea[])
                  AS t(id, fid, lat, lon, type, score, dist, w, l, a, cap, vlat, vlon, vh, vs, src, fi, x1, y1, x2, y2, ev)
                ON CONFLICT ON CONSTRAINT observation_frame_uq DO NOTHING""")) {
            int i = 1;
            ps.setInt(i++, municipalityId);
            ps.setLong(i++, driveId);
            ps.setArray(i++, c.createArrayOf("int8", java.util.Arrays.stream(ids).boxed().toArray(Long[]::new)));
            ps.setArray(i++, c.createArrayOf("int8", java.util.Arrays.stream(findingIds).boxed().toArray(Long[]::new)));
            ps.setArray(i++, c.createArrayOf("float8", lat));
            ps.setArray(i++, c.createArrayOf("float8", lon));
            ps.setArray(i++, c.createArrayOf("text", type));
            ps.setArray(i++, c.createArrayOf("float4", score));
            ps.setArray(i++, c.createArrayOf("float8", dist));
            ps.setArray(i++, c.createArrayOf("float8", w));
            ps.setArray(i++, c.createArrayOf("float8", l));
            ps.setArray(i++, c.createArrayOf("float8", a));
            ps.setArray(i++, c.createArrayOf("float8", cap));
            ps.setArray(i++, c.createArrayOf("float8", vlat));
            ps.setArray(i++, c.createArrayOf("float8", vlon));
            ps.setArray(i++, c.createArrayOf("float8", vh));
            ps.setArray(i++, c.createArrayOf("float8", vs));
            ps.setArray(i++, c.createArrayOf("text", src));
            ps.setArray(i++, c.createArrayOf("int8", fi));
            ps.setArray(i++, c.createArrayOf("float4", x1));
            ps.setArray(i++, c.createArrayOf("float4", y1));
            ps.setArray(i++, c.createArrayOf("float4", x2));
            ps.setArray(i++, c.createArrayOf("float4", y2));
            ps.setArray(i++, c.createArrayOf("bytea", ev));
            return ps.executeUpdate();
        }
    }

    private Map<DamageType, List<Acc>> loadCandidates(Connection c, int municipalityId, List<Observation> fresh)
            throws SQLException {
        Map<DamageType, List<Acc>> out = new EnumMap<>(DamageType.class);
        if (fresh.isEmpty()) {
            return out;
        }
        double maxLat = fresh.stream().mapToDouble(o -> Math.abs(o.position().lat())).max().orElse(0);
        // One index probe per occupied cell of merge-radius size (observations of one pothole share cells).
        double radius = props.mergeRadiusM();
        double cell = radius / M_PER_DEG;
        Map<Long, double[]> cells = new LinkedHashMap<>();
        for (Observation o : fresh) {
            long cy = (long) Math.floor(o.position().lat() / cell);
            long cx = (long) Math.floor(o.position().lon() / cell);
            cells.putIfAbsent(cy * 1_000_003L + cx, new double[] {(cy + 0.5) * cell, (cx + 0.5) * cell});
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT DISTINCT ON (f.id) f.* FROM finding f
                JOIN unnest(?::float8[], ?::float8[]) AS p(lat, lon)
                  ON f.geom && ST_Expand(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), ?)
                WHERE f.municipality_id = ? AND f.damage_type = ANY(?)
                  AND f.status IN ('open', 'confirmed', 'scheduled', 'possibly_repaired')
                ORDER BY f.id""")) {
            ps.setArray(1, c.createArrayOf("float8", cells.values().stream().map(v -> v[0]).toArray(Double[]::new)));
            ps.setArray(2, c.createArrayOf("float8", cells.values().stream().map(v -> v[1]).toArray(Double[]::new)));
            // Half a cell's diagonal plus the radius, plus the drift of a finding's mean while merging.
            ps.setDouble(3, expandDeg(radius * 3, maxLat));
            ps.setInt(4, municipalityId);
            ps.setArray(5, c.createArrayOf("text", fresh.stream().map(o -> o.type().wireName()).distinct().toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Acc a = new Acc(rs);
                    out.computeIfAbsent(a.type, t -> new ArrayList<>()).add(a);
                }
            }
        }
        return out;
    }

    private long[] nextIds(Connection c, String sequence, int n) throws SQLException {
        long[] ids = new long[n];
        if (n == 0) {
            return ids;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT nextval('" + sequence + "') FROM generate_series(1, ?)")) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; rs.next(); i++) {
                    ids[i] = rs.getLong(1);
                }
            }
        }
        return ids;
    }

    private void insertFindings(Connection c, int municipalityId, List<Acc> created) throws SQLException {
        if (created.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO finding (id, municipality_id, geom, damage_type, status, severity, first_seen_at, last_seen_at,
                    observation_count, max_score, weight_sum, w_lat, w_lon, w_area, w_width, w_length, area_m2, width_m,
                    length_m, best_observation_id, best_evidence_score)
                SELECT t.id, ?, ST_SetSRID(ST_MakePoint(t.wlon / t.ws, t.wlat / t.ws), 4326), t.type, 'open', t.sev,
                    to_timestamp(t.first), to_timestamp(t.last), t.cnt, t.maxs, t.ws, t.wlat, t.wlon, t.wa, t.ww, t.wl,
                    t.wa / t.ws, t.ww / t.ws, t.wl / t.ws, t.best, t.bes
                FROM unnest(?::int8[], ?::text[], ?::int2[], ?::float8[], ?::float8[], ?::int4[], ?::float4[], ?::float8[],
                    ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::int8[], ?::float4[])
                  AS t(id, type, sev, first, last, cnt, maxs, ws, wlat, wlon, wa, ww, wl, best, bes)""")) {
            ps.setInt(1, municipalityId);
            setAccArrays(c, ps, 2, created, true);
            ps.executeUpdate();
        }
    }

    private void updateFindings(Connection c, List<Acc> updated) throws SQLException {
        if (updated.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE finding f SET geom = ST_SetSRID(ST_MakePoint(t.wlon / t.ws, t.wlat / t.ws), 4326),
                    status = t.status, severity = t.sev, first_seen_at = to_timestamp(t.first),
                    last_seen_at = to_timestamp(t.last), observation_count = t.cnt, max_score = t.maxs, weight_sum = t.ws,
                    w_lat = t.wlat, w_lon = t.wlon, w_area = t.wa, w_width = t.ww, w_length = t.wl, area_m2 = t.wa / t.ws,
                    width_m = t.ww / t.ws, length_m = t.wl / t.ws, best_observation_id = t.best,
                    best_evidence_score = t.bes, not_seen_count = 0, updated_at = now()
                FROM unnest(?::int8[], ?::text[], ?::int2[], ?::float8[], ?::float8[], ?::int4[], ?::float4[], ?::float8[],
                    ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::int8[], ?::float4[], ?::text[])
                  AS t(id, type, sev, first, last, cnt, maxs, ws, wlat, wlon, wa, ww, wl, best, bes, status)
                WHERE f.id = t.id""")) {
            setAccArrays(c, ps, 1, updated, false);
            ps.executeUpdate();
        }
    }

    private void setAccArrays(Connection c, PreparedStatement ps, int start, List<Acc> accs, boolean insert)
            throws SQLException {
        int i = start;
        ps.setArray(i++, arr(c, "int8", accs.stream().map(a -> a.id)));
        ps.setArray(i++, arr(c, "text", accs.stream().map(a -> a.type.wireName())));
        ps.setArray(i++, arr(c, "int2", accs.stream().map(a -> (short) a.severity())));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> epoch(a.first))));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> epoch(a.last))));
        ps.setArray(i++, arr(c, "int4", accs.stream().map(a -> a.count)));
        ps.setArray(i++, arr(c, "float4", accs.stream().map(a -> a.maxScore)));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> a.wsum)));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> a.wlat)));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> a.wlon)));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> a.warea)));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> a.wwidth)));
        ps.setArray(i++, arr(c, "float8", accs.stream().map(a -> a.wlength)));
        ps.setArray(i++, arr(c, "int8", accs.stream().map(a -> a.bestObs)));
        ps.setArray(i++, arr(c, "float4", accs.stream().map(a -> a.bestEvScore)));
        if (!insert) {
            ps.setArray(i, arr(c, "text", accs.stream().map(a -> a.status)));
        }
    }

    private void writeIngestEvents(Connection c, int municipalityId, long driveId, String driveRef,
            List<Acc> created, List<Acc> updated) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (Acc a : created) {
            rows.add(new Object[] {a.id, "created", null, "open", a.firstAddedObs,
                    "first seen on drive " + driveRef + (a.added > 1 ? " (" + a.added + " observations)" : "")});
        }
        for (Acc a : updated) {
            rows.add(new Object[] {a.id, "merged", null, null, a.firstAddedObs,
                    a.added + " observation(s) from drive " + driveRef});
            if (a.previousStatus != null) {
                rows.add(new Object[] {a.id, "status_changed", a.previousStatus, a.status, a.firstAddedObs,
                        "seen again on drive " + driveRef});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO finding_event (municipality_id, finding_id, kind, actor, from_status, to_status, drive_id,
                    observation_id, note)
                SELECT ?, t.fid, t.kind, ?, t.fs, t.ts, ?, t.oid, t.note
                FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::text[])
                  AS t(fid, kind, fs, ts, oid, note)""")) {
            ps.setInt(1, municipalityId);
            ps.setString(2, SYSTEM_ACTOR);
            ps.setLong(3, driveId);
            for (int col = 0; col < 6; col++) {
                final int k = col;
                String type = switch (k) {
                    case 0, 4 -> "int8";
                    default -> "text";
                };
                ps.setArray(4 + k, arr(c, type, rows.stream().map(r -> r[k])));
            }
            ps.executeUpdate();
        }
    }

    private Map<String, Long> existingFindingIds(Connection c, long driveId, List<Observation> dups) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT finding_id, source, frame_index, damage_type, box_x1, box_y1, box_x2, box_y2 FROM observation
                WHERE drive_id = ? AND source = ANY(?) AND frame_index = ANY(?)""")) {
            ps.setLong(1, driveId);
            ps.setArray(2, c.createArrayOf("text", dups.stream().map(Observation::source).distinct().toArray(String[]::new)));
            ps.setArray(3, c.createArrayOf("int8", dups.stream().map(Observation::frameIndex).distinct().toArray(Long[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long f = rs.getLong(1);
                    if (!rs.wasNull()) {
                        out.put(key(rs.getString(2), rs.getLong(3), rs.getString(4), rs.getFloat(5), rs.getFloat(6),
                                rs.getFloat(7), rs.getFloat(8)), f);
                    }
                }
            }
        }
        return out;
    }

    private static Array arr(Connection c, String type, java.util.stream.Stream<?> values) throws SQLException {
        return c.createArrayOf(type, values.toArray());
    }

    private static Double epoch(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    private static Double nullIfNaN(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static String keyOf(Observation o) {
        return key(o.source(), o.frameIndex(), o.type().wireName(), (float) o.box().x1(), (float) o.box().y1(),
                (float) o.box().x2(), (float) o.box().y2());
    }

    private static String key(String source, long frame, String type, float x1, float y1, float x2, float y2) {
        return source + '\u0000' + frame + '\u0000' + type + '\u0000' + Float.floatToIntBits(x1) + ','
                + Float.floatToIntBits(y1) + ',' + Float.floatToIntBits(x2) + ',' + Float.floatToIntBits(y2);
    }

    /** Distance in metres, equirectangular: exact to millimetres over the few tens of metres it is used for. */
    static double distanceM(double lat1, double lon1, double lat2, double lon2) {
        double dy = (lat2 - lat1) * M_PER_DEG;
        double dx = (lon2 - lon1) * M_PER_DEG * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        return Math.sqrt(dx * dx + dy * dy);
    }

    /** Bearing from the first to the second position, degrees clockwise from north (short distances). */
    static double bearingDeg(double lat1, double lon1, double lat2, double lon2) {
        double dy = (lat2 - lat1) * M_PER_DEG;
        double dx = (lon2 - lon1) * M_PER_DEG * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        return (Math.toDegrees(Math.atan2(dx, dy)) + 360) % 360;
    }

    /** Degrees to expand an envelope so that it covers {@code metres} in both axes up to latitude {@code lat}. */
    static double expandDeg(double metres, double lat) {
        return metres / (M_PER_DEG * Math.max(0.05, Math.cos(Math.toRadians(Math.min(89, lat)))));
    }
}
