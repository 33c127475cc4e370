package dk.vejsyn.api.finding;

import static dk.vejsyn.api.finding.SqlColumns.column;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.Observation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SQL of the {@code finding} and {@code finding_event} tables: loading the findings a batch may
 * merge into or a re-drive may count against, writing merged findings, the not-seen bookkeeping and
 * status changes, each with its event.
 *
 * <p>Why status sets come from {@link FindingStatus}: which findings take observations and which a
 * re-drive watches is workflow policy; it is decided in one place and the SQL follows it. Every
 * method runs on the caller's connection, inside the caller's transaction and cell locks.
 */
final class FindingRepository {

    /** The sequence new finding ids come from. */
    static final String ID_SEQUENCE = "finding_id_seq";

    /** Who the store's own events name as their actor. */
    static final String SYSTEM_ACTOR = "system";

    private static final String MERGEABLE = sqlLiterals(FindingStatus.MERGEABLE);
    private static final String WATCHED = sqlLiterals(FindingStatus.WATCHED);
    private static final String OPEN = sqlLiterals(Set.of(FindingStatus.OPEN));
    private static final String POSSIBLY_REPAIRED = sqlLiterals(Set.of(FindingStatus.POSSIBLY_REPAIRED));

    /** {@code 'open', 'confirmed'}: wire names are lower-case words, safe to write into SQL. */
    static String sqlLiterals(Set<FindingStatus> statuses) {
        return statuses.stream().sorted().map(s -> "'" + s.wireName() + "'").collect(Collectors.joining(", "));
    }

    /**
     * Findings of the observations' families (a crack's: every kind of crack) that may take them
     * ({@link FindingStatus#MERGEABLE}) near any of them, in id order. Probes the index once per
     * occupied cell of merge-radius size, as observations of one pothole share cells.
     *
     * @param mergeRadiusM the farthest any of them may join a finding ({@code maxMergeReachM})
     */
    List<MergingFinding> mergeableNear(Connection c, int municipalityId, List<Observation> observations,
            double mergeRadiusM) throws SQLException {
        List<MergingFinding> out = new ArrayList<>();
        if (observations.isEmpty()) {
            return out;
        }
        double maxLat = observations.stream().mapToDouble(o -> Math.abs(o.position().lat())).max().orElse(0);
        double cell = mergeRadiusM / FlatEarth.M_PER_DEG;
        Map<Long, double[]> cells = new LinkedHashMap<>();
        for (Observation o : observations) {
            long cy = (long) Math.floor(o.position().lat() / cell);
            long cx = (long) Math.floor(o.position().lon() / cell);
            cells.putIfAbsent(cy * 1_000_003L + cx, new double[] {(cy + 0.5) * cell, (cx + 0.5) * cell});
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT DISTINCT ON (f.id) f.* FROM finding f
                JOIN unnest(?::float8[], ?::float8[]) AS p(lat, lon)
                  ON f.geom && ST_Expand(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), ?)
                WHERE f.municipality_id = ? AND f.damage_type = ANY(?) AND f.status IN (%s)
                ORDER BY f.id""".formatted(MERGEABLE))) {
            ps.setArray(1, c.createArrayOf("float8", cells.values().stream().map(v -> v[0]).toArray(Double[]::new)));
            ps.setArray(2, c.createArrayOf("float8", cells.values().stream().map(v -> v[1]).toArray(Double[]::new)));
            // Half a cell's diagonal plus the radius, plus the drift of a finding's mean while merging.
            ps.setDouble(3, FlatEarth.expandDeg(mergeRadiusM * 3, maxLat));
            ps.setInt(4, municipalityId);
            ps.setArray(5, c.createArrayOf("text", observations.stream()
                    .flatMap(o -> DamageType.familyOf(o.type()).stream()).map(DamageType::wireName).distinct()
                    .toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(MergingFinding.of(stored(rs)));
                }
            }
        }
        return out;
    }

    private static MergingFinding.Stored stored(ResultSet rs) throws SQLException {
        long best = rs.getLong("best_observation_id");
        Long bestObservationId = rs.wasNull() ? null : best;
        float evidence = rs.getFloat("best_evidence_score");
        Float bestEvidenceScore = rs.wasNull() ? null : evidence;
        return new MergingFinding.Stored(rs.getLong("id"), DamageType.fromName(rs.getString("damage_type")),
                FindingStatus.fromWire(rs.getString("status")), rs.getDouble("weight_sum"), rs.getDouble("w_lat"),
                rs.getDouble("w_lon"), rs.getDouble("w_area"), rs.getDouble("w_width"), rs.getDouble("w_length"),
                rs.getInt("observation_count"), rs.getTimestamp("first_seen_at").toInstant(),
                rs.getTimestamp("last_seen_at").toInstant(), rs.getFloat("max_score"), bestObservationId,
                bestEvidenceScore, typeWeights(rs.getString("type_weights")));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code type_weights} as stored: a JSON object of wire name to weight; unknown names are skipped. */
    static Map<DamageType, Double> typeWeights(String json) throws SQLException {
        Map<DamageType, Double> out = new EnumMap<>(DamageType.class);
        if (json == null || json.isBlank()) {
            return out;
        }
        try {
            JSON.readTree(json).fields().forEachRemaining(e -> {
                try {
                    out.put(DamageType.fromName(e.getKey()), e.getValue().asDouble());
                } catch (IllegalArgumentException unknownType) {
                    // A type this version does not know (written by a newer one) carries no vote here.
                }
            });
        } catch (JsonProcessingException e) {
            throw new SQLException("finding.type_weights is not JSON: " + json, e);
        }
        return out;
    }

    /** The finding's type weights as {@code type_weights} stores them. */
    static String typeWeightsJson(MergingFinding f) {
        ObjectNode o = JSON.createObjectNode();
        f.typeWeights().forEach((t, w) -> o.put(t.wireName(), w));
        return o.toString();
    }

    /** Column list of the merged state, as {@link #setMergedColumns} fills it. */
    private static final String MERGED_COLUMNS = """
            unnest(?::int8[], ?::text[], ?::int2[], ?::float8[], ?::float8[], ?::int4[], ?::float4[], ?::float8[],
                ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::int8[], ?::float4[], ?::text[]%s)
              AS t(id, damage_type, severity, first_seen, last_seen, observation_count, max_score, weight_sum,
                w_lat, w_lon, w_area, w_width, w_length, best_observation_id, best_evidence_score, type_weights%s)""";

    /** Writes findings the merger started (their ids assigned), open. */
    void insertStarted(Connection c, int municipalityId, List<MergingFinding> started) throws SQLException {
        if (started.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO finding (id, municipality_id, geom, damage_type, status, severity, first_seen_at, last_seen_at,
                    observation_count, max_score, weight_sum, w_lat, w_lon, w_area, w_width, w_length, area_m2, width_m,
                    length_m, best_observation_id, best_evidence_score, type_weights)
                SELECT t.id, ?, ST_SetSRID(ST_MakePoint(t.w_lon / t.weight_sum, t.w_lat / t.weight_sum), 4326),
                    t.damage_type, %s, t.severity, to_timestamp(t.first_seen), to_timestamp(t.last_seen),
                    t.observation_count, t.max_score, t.weight_sum, t.w_lat, t.w_lon, t.w_area, t.w_width, t.w_length,
                    t.w_area / t.weight_sum, t.w_width / t.weight_sum, t.w_length / t.weight_sum,
                    t.best_observation_id, t.best_evidence_score, t.type_weights::jsonb
                FROM %s""".formatted(OPEN, MERGED_COLUMNS.formatted("", "")))) {
            ps.setInt(1, municipalityId);
            setMergedColumns(c, ps, 2, started, false);
            ps.executeUpdate();
        }
    }

    /** Writes the merged state of existing findings; being seen again resets their not-seen count. */
    void updateMerged(Connection c, List<MergingFinding> updated) throws SQLException {
        if (updated.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE finding f SET geom = ST_SetSRID(ST_MakePoint(t.w_lon / t.weight_sum, t.w_lat / t.weight_sum), 4326),
                    status = t.status, severity = t.severity, first_seen_at = to_timestamp(t.first_seen),
                    last_seen_at = to_timestamp(t.last_seen), observation_count = t.observation_count,
                    max_score = t.max_score, weight_sum = t.weight_sum, w_lat = t.w_lat, w_lon = t.w_lon,
                    w_area = t.w_area, w_width = t.w_width, w_length = t.w_length, area_m2 = t.w_area / t.weight_sum,
                    width_m = t.w_width / t.weight_sum, length_m = t.w_length / t.weight_sum,
                    best_observation_id = t.best_observation_id, best_evidence_score = t.best_evidence_score,
                    damage_type = t.damage_type, type_weights = t.type_weights::jsonb,
                    not_seen_count = 0, updated_at = now()
                FROM %s
                WHERE f.id = t.id""".formatted(MERGED_COLUMNS.formatted(", ?::text[]", ", status")))) {
            setMergedColumns(c, ps, 1, updated, true);
            ps.executeUpdate();
        }
    }

    private static void setMergedColumns(Connection c, PreparedStatement ps, int start, List<MergingFinding> rows,
            boolean withStatus) throws SQLException {
        int i = start;
        ps.setArray(i++, column(c, "int8", rows, MergingFinding::id));
        ps.setArray(i++, column(c, "text", rows, f -> f.type().wireName()));
        ps.setArray(i++, column(c, "int2", rows, f -> (short) f.severity()));
        ps.setArray(i++, column(c, "float8", rows, f -> SqlColumns.epochSeconds(f.firstSeen())));
        ps.setArray(i++, column(c, "float8", rows, f -> SqlColumns.epochSeconds(f.lastSeen())));
        ps.setArray(i++, column(c, "int4", rows, MergingFinding::observationCount));
        ps.setArray(i++, column(c, "float4", rows, MergingFinding::maxScore));
        ps.setArray(i++, column(c, "float8", rows, MergingFinding::weightSum));
        ps.setArray(i++, column(c, "float8", rows, MergingFinding::weightedLat));
        ps.setArray(i++, column(c, "float8", rows, MergingFinding::weightedLon));
        ps.setArray(i++, column(c, "float8", rows, MergingFinding::weightedArea));
        ps.setArray(i++, column(c, "float8", rows, MergingFinding::weightedWidth));
        ps.setArray(i++, column(c, "float8", rows, MergingFinding::weightedLength));
        ps.setArray(i++, column(c, "int8", rows, MergingFinding::bestObservationId));
        ps.setArray(i++, column(c, "float4", rows, MergingFinding::bestEvidenceScore));
        ps.setArray(i++, column(c, "text", rows, FindingRepository::typeWeightsJson));
        if (withStatus) {
            ps.setArray(i, column(c, "text", rows, f -> f.status().wireName()));
        }
    }

    /** One row of {@code finding_event} written by the store itself. */
    private record Event(Long findingId, String kind, String fromStatus, String toStatus, Long observationId,
            String note) {}

    /**
     * Records what a merge did: {@code created} for started findings, {@code merged} for updated ones
     * and {@code status_changed} for those it reopened.
     */
    void writeMergeEvents(Connection c, int municipalityId, long driveId, String driveRef,
            List<MergingFinding> started, List<MergingFinding> updated) throws SQLException {
        List<Event> events = new ArrayList<>();
        for (MergingFinding f : started) {
            events.add(new Event(f.id(), "created", null, FindingStatus.OPEN.wireName(), f.firstAddedObservationId(),
                    "first seen on drive " + driveRef + (f.addedCount() > 1 ? " (" + f.addedCount() + " observations)" : "")));
        }
        for (MergingFinding f : updated) {
            events.add(new Event(f.id(), "merged", null, null, f.firstAddedObservationId(),
                    f.addedCount() + " observation(s) from drive " + driveRef
                            + (f.storedType() != null && f.storedType() != f.type()
                                    ? "; type " + f.storedType().wireName() + " → " + f.type().wireName() : "")));
            if (f.previousStatus() != null) {
                events.add(new Event(f.id(), "status_changed", f.previousStatus().wireName(), f.status().wireName(),
                        f.firstAddedObservationId(), "seen again on drive " + driveRef));
            }
        }
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO finding_event (municipality_id, finding_id, kind, actor, from_status, to_status, drive_id,
                    observation_id, note)
                SELECT ?, t.finding_id, t.kind, ?, t.from_status, t.to_status, ?, t.observation_id, t.note
                FROM unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::text[])
                  AS t(finding_id, kind, from_status, to_status, observation_id, note)""")) {
            ps.setInt(1, municipalityId);
            ps.setString(2, SYSTEM_ACTOR);
            ps.setLong(3, driveId);
            ps.setArray(4, column(c, "int8", events, Event::findingId));
            ps.setArray(5, column(c, "text", events, Event::kind));
            ps.setArray(6, column(c, "text", events, Event::fromStatus));
            ps.setArray(7, column(c, "text", events, Event::toStatus));
            ps.setArray(8, column(c, "int8", events, Event::observationId));
            ps.setArray(9, column(c, "text", events, Event::note));
            ps.executeUpdate();
        }
    }

    /**
     * Watched findings ({@link FindingStatus#WATCHED}) within {@code rangeM} of any frame that got no
     * observation from {@code driveId}, in id order: the candidates for a not-seen pass.
     */
    List<RedriveEvaluator.Candidate> watchedNear(Connection c, int municipalityId, long driveId,
            List<GeoTag> frames, double rangeM) throws SQLException {
        List<RedriveEvaluator.Candidate> out = new ArrayList<>();
        double maxLat = frames.stream().mapToDouble(t -> Math.abs(t.lat())).max().orElse(0);
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT DISTINCT ON (f.id) f.id, ST_Y(f.geom), ST_X(f.geom), f.damage_type, f.last_seen_at
                FROM finding f
                JOIN unnest(?::float8[], ?::float8[]) AS p(lat, lon)
                  ON f.geom && ST_Expand(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), ?)
                WHERE f.municipality_id = ? AND f.status IN (%s)
                  AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.finding_id = f.id AND o.drive_id = ?)
                ORDER BY f.id""".formatted(WATCHED))) {
            ps.setArray(1, column(c, "float8", frames, GeoTag::lat, Double[]::new));
            ps.setArray(2, column(c, "float8", frames, GeoTag::lon, Double[]::new));
            ps.setDouble(3, FlatEarth.expandDeg(rangeM, maxLat));
            ps.setInt(4, municipalityId);
            ps.setLong(5, driveId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RedriveEvaluator.Candidate(rs.getLong(1), DamageType.fromName(rs.getString(4)),
                            rs.getDouble(2), rs.getDouble(3), rs.getTimestamp(5).toInstant()));
                }
            }
        }
        return out;
    }

    /**
     * Gives each finding in {@code inView} that is still watched one {@code not_seen} event for
     * {@code driveId} (at most one per drive, so evaluating a drive twice changes nothing).
     *
     * @return the findings that got the event now
     */
    List<Long> recordNotSeen(Connection c, int municipalityId, long driveId, String driveRef, List<Long> inView)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO finding_event (municipality_id, finding_id, kind, actor, drive_id, note)
                SELECT ?, f.id, 'not_seen', ?, ?, ? FROM finding f
                WHERE f.id = ANY(?) AND f.status IN (%s)
                ON CONFLICT (finding_id, drive_id) WHERE kind = 'not_seen' DO NOTHING
                RETURNING finding_id""".formatted(WATCHED))) {
            ps.setInt(1, municipalityId);
            ps.setString(2, SYSTEM_ACTOR);
            ps.setLong(3, driveId);
            ps.setString(4, "in view of drive " + driveRef + " but not detected");
            ps.setArray(5, c.createArrayOf("int8", inView.toArray(Long[]::new)));
            return longs(ps);
        }
    }

    /**
     * Counts one more not-seen pass for each of {@code notSeen}; those reaching {@code passes} become
     * {@code possibly_repaired}, with a {@code status_changed} event.
     *
     * @return the findings that became {@code possibly_repaired}
     */
    List<Long> countNotSeenPass(Connection c, int municipalityId, long driveId, List<Long> notSeen, int passes)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                WITH bumped AS (
                    UPDATE finding f SET not_seen_count = f.not_seen_count + 1, updated_at = now(),
                        status = CASE WHEN f.not_seen_count + 1 >= ? THEN %1$s ELSE f.status END
                    FROM finding old WHERE old.id = f.id AND f.id = ANY(?)
                    RETURNING f.id, old.status AS from_status, f.status AS to_status)
                INSERT INTO finding_event (municipality_id, finding_id, kind, actor, from_status, to_status, drive_id, note)
                SELECT ?, id, 'status_changed', ?, from_status, to_status, ?, ? FROM bumped
                WHERE to_status = %1$s AND from_status <> to_status
                RETURNING finding_id""".formatted(POSSIBLY_REPAIRED))) {
            ps.setInt(1, passes);
            ps.setArray(2, c.createArrayOf("int8", notSeen.toArray(Long[]::new)));
            ps.setInt(3, municipalityId);
            ps.setString(4, SYSTEM_ACTOR);
            ps.setLong(5, driveId);
            ps.setString(6, "not seen on " + passes + " passes");
            return longs(ps);
        }
    }

    private static List<Long> longs(PreparedStatement ps) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** The finding's status, locked until the transaction ends; empty when it is not the municipality's. */
    Optional<FindingStatus> statusForUpdate(Connection c, int municipalityId, long findingId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status FROM finding WHERE id = ? AND municipality_id = ? FOR UPDATE")) {
            ps.setLong(1, findingId);
            ps.setInt(2, municipalityId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(FindingStatus.fromWire(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /**
     * Moves a finding to {@code to} with a {@code status_changed} event by {@code actor}. A finding
     * a planner reopens or confirms starts counting not-seen passes afresh.
     */
    void changeStatus(Connection c, int municipalityId, long findingId, FindingStatus from, FindingStatus to,
            String actor, String note) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE finding SET status = ?, updated_at = now(), not_seen_count = CASE WHEN ? THEN 0 ELSE not_seen_count END WHERE id = ?")) {
            ps.setString(1, to.wireName());
            ps.setBoolean(2, to == FindingStatus.OPEN || to == FindingStatus.CONFIRMED);
            ps.setLong(3, findingId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO finding_event (municipality_id, finding_id, kind, actor, from_status, to_status, note)
                VALUES (?, ?, 'status_changed', ?, ?, ?, ?)""")) {
            ps.setInt(1, municipalityId);
            ps.setLong(2, findingId);
            ps.setString(3, actor);
            ps.setString(4, from.wireName());
            ps.setString(5, to.wireName());
            ps.setString(6, note);
            ps.executeUpdate();
        }
    }
}
