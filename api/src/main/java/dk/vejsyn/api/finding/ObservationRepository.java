package dk.vejsyn.api.finding;

import static dk.vejsyn.api.finding.SqlColumns.column;
import static dk.vejsyn.api.finding.SqlColumns.nullIfNaN;

import dk.vejsyn.api.finding.FindingMerger.NewObservation;
import dk.vejsyn.inference.geo.Observation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The SQL of the {@code observation} table on the ingest path: which observations of a drive are
 * stored already, and the batch insert of new ones.
 *
 * <p>Why a natural key: ingest must be idempotent (an upload job resumes, a live frame is
 * redelivered), and an observation is the same when its drive, source, frame index, damage type and
 * box (as stored, {@code real}) are; {@link #keyOf} is that key, compared bit for bit.
 */
final class ObservationRepository {

    /** The sequence new observation ids come from. */
    static final String ID_SEQUENCE = "observation_id_seq";

    /** The natural key of an observation (see the class comment). */
    static String keyOf(Observation o) {
        return key(o.source(), o.frameIndex(), o.type().wireName(), (float) o.box().x1(), (float) o.box().y1(),
                (float) o.box().x2(), (float) o.box().y2());
    }

    private static String key(String source, long frame, String type, float x1, float y1, float x2, float y2) {
        return source + '\u0000' + frame + '\u0000' + type + '\u0000' + Float.floatToIntBits(x1) + ','
                + Float.floatToIntBits(y1) + ',' + Float.floatToIntBits(x2) + ',' + Float.floatToIntBits(y2);
    }

    /**
     * The finding of every observation of {@code driveId} already stored for the frames of
     * {@code observations}, by {@link #keyOf natural key}.
     */
    Map<String, Long> storedFindingIds(Connection c, long driveId, List<Observation> observations) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT finding_id, source, frame_index, damage_type, box_x1, box_y1, box_x2, box_y2 FROM observation
                WHERE drive_id = ? AND source = ANY(?) AND frame_index = ANY(?)""")) {
            ps.setLong(1, driveId);
            ps.setArray(2, c.createArrayOf("text", observations.stream().map(Observation::source).distinct().toArray(String[]::new)));
            ps.setArray(3, c.createArrayOf("int8", observations.stream().map(Observation::frameIndex).distinct().toArray(Long[]::new)));
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

    /** An observation row: the observation, its id and its finding's id. */
    private record Row(long id, long findingId, Observation o) {}

    /**
     * Inserts {@code observations}, the {@code i}-th belonging to finding {@code findingIds[i]}, in one
     * statement; rows whose natural key exists already are skipped.
     *
     * @return the rows inserted
     */
    int insert(Connection c, int municipalityId, long driveId, List<NewObservation> observations, long[] findingIds)
            throws SQLException {
        if (observations.isEmpty()) {
            return 0;
        }
        List<Row> rows = IntStream.range(0, observations.size())
                .mapToObj(i -> new Row(observations.get(i).id(), findingIds[i], observations.get(i).observation()))
                .toList();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO observation (id, finding_id, municipality_id, drive_id, geom, damage_type, score, distance_m, width_m,
                    length_m, area_m2, captured_at, vehicle_geom, vehicle_heading, vehicle_speed, source, frame_index,
                    box_x1, box_y1, box_x2, box_y2, evidence_jpeg)
                SELECT t.id, t.finding_id, ?, ?, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), t.damage_type, t.score,
                    t.distance_m, t.width_m, t.length_m, t.area_m2, to_timestamp(t.captured_at),
                    ST_SetSRID(ST_MakePoint(t.vehicle_lon, t.vehicle_lat), 4326), t.vehicle_heading, t.vehicle_speed,
                    t.source, t.frame_index, t.box_x1, t.box_y1, t.box_x2, t.box_y2, t.evidence_jpeg
                FROM unnest(?::int8[], ?::int8[], ?::float8[], ?::float8[], ?::text[], ?::real[], ?::float8[], ?::float8[],
                    ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::text[],
                    ?::int8[], ?::real[], ?::real[], ?::real[], ?::real[], ?::bytea[])
                  AS t(id, finding_id, lat, lon, damage_type, score, distance_m, width_m, length_m, area_m2, captured_at,
                    vehicle_lat, vehicle_lon, vehicle_heading, vehicle_speed, source, frame_index,
                    box_x1, box_y1, box_x2, box_y2, evidence_jpeg)
                ON CONFLICT ON CONSTRAINT observation_frame_uq DO NOTHING""")) {
            int i = 1;
            ps.setInt(i++, municipalityId);
            ps.setLong(i++, driveId);
            ps.setArray(i++, column(c, "int8", rows, Row::id, Long[]::new));
            ps.setArray(i++, column(c, "int8", rows, Row::findingId, Long[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> r.o().position().lat(), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> r.o().position().lon(), Double[]::new));
            ps.setArray(i++, column(c, "text", rows, r -> r.o().type().wireName(), String[]::new));
            ps.setArray(i++, column(c, "float4", rows, r -> r.o().score(), Float[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> nullIfNaN(r.o().distanceM()), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> nullIfNaN(r.o().widthM()), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> nullIfNaN(r.o().lengthM()), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> nullIfNaN(r.o().areaM2()), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> SqlColumns.epochSeconds(r.o().capturedAt()), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> r.o().vehicle().lat(), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> r.o().vehicle().lon(), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> nullIfNaN(r.o().vehicle().headingDeg()), Double[]::new));
            ps.setArray(i++, column(c, "float8", rows, r -> nullIfNaN(r.o().vehicle().speedMps()), Double[]::new));
            ps.setArray(i++, column(c, "text", rows, r -> r.o().source(), String[]::new));
            ps.setArray(i++, column(c, "int8", rows, r -> r.o().frameIndex(), Long[]::new));
            ps.setArray(i++, column(c, "float4", rows, r -> (float) r.o().box().x1(), Float[]::new));
            ps.setArray(i++, column(c, "float4", rows, r -> (float) r.o().box().y1(), Float[]::new));
            ps.setArray(i++, column(c, "float4", rows, r -> (float) r.o().box().x2(), Float[]::new));
            ps.setArray(i++, column(c, "float4", rows, r -> (float) r.o().box().y2(), Float[]::new));
            ps.setArray(i++, column(c, "bytea", rows, r -> r.o().evidenceJpeg(), byte[][]::new));
            return ps.executeUpdate();
        }
    }
}
