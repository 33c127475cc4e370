package dk.vejsyn.api.finding;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.finding.FindingViews.EventView;
import dk.vejsyn.api.finding.FindingViews.FindingDetail;
import dk.vejsyn.api.finding.FindingViews.FindingPage;
import dk.vejsyn.api.finding.FindingViews.FindingSummary;
import dk.vejsyn.api.finding.FindingViews.ObservationView;
import dk.vejsyn.inference.detect.DamageType;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Read side of the store: filtered, sorted, keyset-paginated queries, always within one municipality. */
@Repository
public class FindingQueries {

    static final String COLUMNS = """
            f.id, f.damage_type, f.status, f.severity, ST_Y(f.geom) AS lat, ST_X(f.geom) AS lon, f.first_seen_at,
            f.last_seen_at, f.observation_count, f.max_score, f.area_m2, f.width_m, f.length_m, f.not_seen_count,
            f.best_observation_id""";

    static final RowMapper<FindingSummary> SUMMARY = (rs, i) -> {
        long best = rs.getLong("best_observation_id");
        Long bestId = rs.wasNull() ? null : best;
        return new FindingSummary(rs.getLong("id"), rs.getString("damage_type"), rs.getString("status"),
                rs.getInt("severity"), rs.getDouble("lat"), rs.getDouble("lon"), instant(rs, "first_seen_at"),
                instant(rs, "last_seen_at"), rs.getInt("observation_count"), rs.getFloat("max_score"),
                rs.getDouble("area_m2"), rs.getDouble("width_m"), rs.getDouble("length_m"), rs.getInt("not_seen_count"), bestId);
    };

    private final NamedParameterJdbcTemplate jdbc;

    public FindingQueries(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One page of findings; {@code cursor} is the previous page's {@code nextCursor} or null. */
    public FindingPage search(int municipalityId, FindingFilter filter, FindingSort sort, boolean descending,
            String cursor, int limit) {
        MapSqlParameterSource p = new MapSqlParameterSource("m", municipalityId);
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM finding f WHERE ");
        sql.append(where(filter, p));
        String op = descending ? "<" : ">";
        if (cursor != null && !cursor.isBlank()) {
            Cursor c = Cursor.decode(cursor, sort, descending);
            sql.append(" AND (f.").append(sort.column).append(", f.id) ").append(op).append(" (:cv, :cid)");
            p.addValue("cv", c.value()).addValue("cid", c.id());
        }
        String dir = descending ? " DESC" : " ASC";
        sql.append(" ORDER BY f.").append(sort.column).append(dir);
        if (sort != FindingSort.ID) {
            sql.append(", f.id").append(dir);
        }
        sql.append(" LIMIT :limit");
        p.addValue("limit", limit + 1);
        List<FindingSummary> rows = jdbc.query(sql.toString(), p, SUMMARY);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = Cursor.encode(sort, descending, rows.get(limit - 1));
        }
        return new FindingPage(List.copyOf(rows), next);
    }

    /** Every matching finding, up to {@code maxRows}, ordered by id (for exports). */
    public void forEach(int municipalityId, FindingFilter filter, int maxRows, Consumer<FindingSummary> sink) {
        MapSqlParameterSource p = new MapSqlParameterSource("m", municipalityId).addValue("limit", maxRows);
        String sql = "SELECT " + COLUMNS + " FROM finding f WHERE " + where(filter, p) + " ORDER BY f.id LIMIT :limit";
        jdbc.query(sql, p, rs -> {
            sink.accept(SUMMARY.mapRow(rs, 0));
        });
    }

    /** Findings with id greater than {@code afterId}, ordered by id (OGC API paging). */
    public List<FindingSummary> page(int municipalityId, FindingFilter filter, long afterId, int limit) {
        MapSqlParameterSource p = new MapSqlParameterSource("m", municipalityId).addValue("limit", limit).addValue("after", afterId);
        String sql = "SELECT " + COLUMNS + " FROM finding f WHERE " + where(filter, p)
                + " AND f.id > :after ORDER BY f.id LIMIT :limit";
        return jdbc.query(sql, p, SUMMARY);
    }

    public Optional<FindingSummary> find(int municipalityId, long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM finding f WHERE f.municipality_id = :m AND f.id = :id",
                new MapSqlParameterSource("m", municipalityId).addValue("id", id), SUMMARY).stream().findFirst();
    }

    /** The municipality's findings among {@code ids}, in the order of {@code ids} (unknown ids left out), in one query. */
    public List<FindingSummary> findAll(int municipalityId, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<FindingSummary> found = jdbc.query("SELECT " + COLUMNS + " FROM finding f WHERE f.municipality_id = :m"
                + " AND f.id IN (:ids)", new MapSqlParameterSource("m", municipalityId).addValue("ids", ids), SUMMARY);
        java.util.Map<Long, FindingSummary> byId = new java.util.HashMap<>();
        found.forEach(f -> byId.put(f.id(), f));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    public FindingDetail detail(int municipalityId, long id) {
        FindingSummary f = find(municipalityId, id).orElseThrow(() -> ApiException.findingNotFound(id));
        MapSqlParameterSource p = new MapSqlParameterSource("m", municipalityId).addValue("id", id);
        List<ObservationView> obs = jdbc.query("""
                SELECT o.*, ST_Y(o.geom) AS lat, ST_X(o.geom) AS lon, ST_Y(o.vehicle_geom) AS vlat,
                    ST_X(o.vehicle_geom) AS vlon, d.external_ref, d.vehicle, o.evidence_jpeg IS NOT NULL AS has_evidence
                FROM observation o JOIN drive d ON d.id = o.drive_id
                WHERE o.municipality_id = :m AND o.finding_id = :id ORDER BY o.captured_at, o.id""", p, (rs, i) ->
                new ObservationView(rs.getLong("id"), rs.getLong("drive_id"), rs.getString("external_ref"),
                        rs.getString("vehicle"), rs.getString("damage_type"), rs.getFloat("score"), rs.getDouble("lat"),
                        rs.getDouble("lon"), instant(rs, "captured_at"), dbl(rs, "distance_m"), dbl(rs, "width_m"),
                        dbl(rs, "length_m"), dbl(rs, "area_m2"), rs.getDouble("vlat"), rs.getDouble("vlon"),
                        dbl(rs, "vehicle_heading"), rs.getString("source"), rs.getLong("frame_index"),
                        new double[] {rs.getFloat("box_x1"), rs.getFloat("box_y1"), rs.getFloat("box_x2"), rs.getFloat("box_y2")},
                        rs.getBoolean("has_evidence")));
        List<EventView> events = jdbc.query("""
                SELECT * FROM finding_event WHERE municipality_id = :m AND finding_id = :id ORDER BY at, id""", p, (rs, i) ->
                new EventView(rs.getLong("id"), rs.getString("kind"), rs.getString("actor"), instant(rs, "at"),
                        rs.getString("from_status"), rs.getString("to_status"), lng(rs, "drive_id"),
                        lng(rs, "observation_id"), rs.getString("note")));
        return new FindingDetail(f, obs, events);
    }

    /** The JPEG of the finding's best observation with evidence. */
    public Optional<byte[]> evidence(int municipalityId, long findingId) {
        MapSqlParameterSource p = new MapSqlParameterSource("m", municipalityId).addValue("id", findingId);
        return jdbc.query("""
                SELECT o.evidence_jpeg FROM finding f JOIN observation o ON o.id = f.best_observation_id
                WHERE f.municipality_id = :m AND f.id = :id AND o.evidence_jpeg IS NOT NULL""", p,
                (rs, i) -> rs.getBytes(1)).stream().findFirst();
    }

    /** The evidence JPEG of one observation of the finding. */
    public Optional<byte[]> observationEvidence(int municipalityId, long findingId, long observationId) {
        MapSqlParameterSource p = new MapSqlParameterSource("m", municipalityId).addValue("f", findingId).addValue("o", observationId);
        return jdbc.query("""
                SELECT evidence_jpeg FROM observation
                WHERE municipality_id = :m AND finding_id = :f AND id = :o AND evidence_jpeg IS NOT NULL""", p,
                (rs, i) -> rs.getBytes(1)).stream().findFirst();
    }

    /** Overall extent {minLon, minLat, maxLon, maxLat} of the municipality's findings, or empty. */
    public Optional<double[]> extent(int municipalityId) {
        return jdbc.query("""
                SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
                FROM (SELECT ST_Extent(geom) AS e FROM finding WHERE municipality_id = :m) s WHERE e IS NOT NULL""",
                new MapSqlParameterSource("m", municipalityId),
                (rs, i) -> new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)})
                .stream().findFirst();
    }

    static String where(FindingFilter f, MapSqlParameterSource p) {
        StringBuilder w = new StringBuilder("f.municipality_id = :m");
        if (f.bbox() != null) {
            w.append(" AND f.geom && ST_MakeEnvelope(:minLon, :minLat, :maxLon, :maxLat, 4326)");
            p.addValue("minLon", f.bbox().minLon()).addValue("minLat", f.bbox().minLat())
                    .addValue("maxLon", f.bbox().maxLon()).addValue("maxLat", f.bbox().maxLat());
        }
        if (f.polygon() != null) {
            w.append(" AND ST_Intersects(f.geom, ST_SetSRID(ST_GeomFromGeoJSON(CAST(:poly AS text)), 4326))");
            p.addValue("poly", f.polygon().geoJson());
        }
        if (f.near() != null) {
            w.append(" AND f.geom && ST_Expand(ST_SetSRID(ST_MakePoint(:nearLon, :nearLat), 4326), :nearDeg)")
                    .append(" AND ST_DWithin(f.geom::geography, ST_SetSRID(ST_MakePoint(:nearLon, :nearLat), 4326)::geography, :nearR)");
            p.addValue("nearLon", f.near().lon()).addValue("nearLat", f.near().lat())
                    .addValue("nearDeg", FlatEarth.expandDeg(f.near().radiusM() * 1.01, Math.abs(f.near().lat())))
                    .addValue("nearR", f.near().radiusM());
        }
        if (f.seenAfter() != null) {
            w.append(" AND f.last_seen_at >= :seenAfter");
            p.addValue("seenAfter", OffsetDateTime.ofInstant(f.seenAfter(), ZoneOffset.UTC));
        }
        if (f.seenBefore() != null) {
            w.append(" AND f.first_seen_at <= :seenBefore");
            p.addValue("seenBefore", OffsetDateTime.ofInstant(f.seenBefore(), ZoneOffset.UTC));
        }
        if (f.statuses() != null && !f.statuses().isEmpty()) {
            w.append(" AND f.status IN (:statuses)");
            p.addValue("statuses", f.statuses().stream().map(FindingStatus::wireName).toList());
        }
        if (f.types() != null && !f.types().isEmpty()) {
            w.append(" AND f.damage_type IN (:types)");
            p.addValue("types", f.types().stream().map(DamageType::wireName).toList());
        }
        if (f.minSeverity() != null) {
            w.append(" AND f.severity >= :minSev");
            p.addValue("minSev", f.minSeverity());
        }
        if (f.minScore() != null) {
            w.append(" AND f.max_score >= :minScore");
            p.addValue("minScore", f.minScore());
        }
        if (f.minAreaM2() != null) {
            w.append(" AND f.area_m2 >= :minArea");
            p.addValue("minArea", f.minAreaM2());
        }
        return w.toString();
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static Double dbl(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    private static Long lng(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    /** Opaque keyset cursor: the sort, its direction and the last row's sort value and id. */
    record Cursor(Object value, long id) {

        static String encode(FindingSort sort, boolean desc, FindingSummary last) {
            String v = switch (sort) {
                case SEVERITY -> Integer.toString(last.severity());
                case LAST_SEEN -> last.lastSeenAt().toString();
                case SCORE -> Float.toString((float) last.maxScore());
                case ID -> Long.toString(last.id());
            };
            String raw = String.join("|", "v1", sort.name(), desc ? "d" : "a", v, Long.toString(last.id()));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor, FindingSort sort, boolean desc) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                if (parts.length != 5 || !parts[0].equals("v1")) {
                    throw new IllegalArgumentException();
                }
                if (!parts[1].equals(sort.name()) || !parts[2].equals(desc ? "d" : "a")) {
                    throw ApiException.badRequest("invalid-cursor", "Invalid cursor",
                            "cursor belongs to another sort order; repeat the first request's sort and order");
                }
                Object value = switch (sort) {
                    case SEVERITY -> Integer.parseInt(parts[3]);
                    case LAST_SEEN -> OffsetDateTime.ofInstant(Instant.parse(parts[3]), ZoneOffset.UTC);
                    case SCORE -> Float.parseFloat(parts[3]);
                    case ID -> Long.parseLong(parts[3]);
                };
                return new Cursor(value, Long.parseLong(parts[4]));
            } catch (ApiException e) {
                throw e;
            } catch (RuntimeException e) {
                throw ApiException.badRequest("invalid-cursor", "Invalid cursor", "cursor is not one this API issued");
            }
        }
    }

}
