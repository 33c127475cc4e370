package dk.vejsyn.api.road;

import dk.vejsyn.api.audit.AuditLog;
import dk.vejsyn.api.municipality.Municipality;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.inference.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports a municipality's road network, replacing the previous one in one transaction (a bad file
 * changes nothing): the file is read and checked ({@link RoadFiles}), reprojected by PostGIS to the
 * metric CRS, cut into stretches ({@link Segmenter}) and stored in WGS84. A stretch with the same
 * geometry as a stored segment (to about 0.1 m, either direction) keeps that segment, its id,
 * coverage and history; stored segments the new network lacks are retired, not deleted. Segments
 * new to the network are matched with the stored drives of the rating window.
 */
@Service
public class RoadNetworkImport {
    private static final Logger log = LoggerFactory.getLogger(RoadNetworkImport.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Municipalities municipalities;
    private final RoadProperties props;
    private final RoadCoverage coverage;
    private final RoadHistory history;

    public RoadNetworkImport(JdbcClient jdbc, TransactionTemplate tx, Municipalities municipalities, RoadProperties props,
            RoadCoverage coverage, RoadHistory history) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.municipalities = municipalities;
        this.props = props;
        this.coverage = coverage;
        this.history = history;
    }

    /** What an import did. */
    public record Result(String municipality, String crs, int features, int segments, int kept, int added, int retired,
            int coveredByStoredDrives, double networkKm) {
        public String summary() {
            return String.format(Locale.ROOT, "%d road features (%s) → %d segments, %.1f km: %d kept, %d new, %d retired; "
                    + "%d segments covered by stored drives", features, crs, segments, networkKm, kept, added, retired,
                    coveredByStoredDrives);
        }
    }

    /**
     * Reads {@code file} and replaces the municipality's network with it.
     *
     * @throws InputException for a bad file or an unknown municipality; nothing is changed then
     */
    public Result importFile(String municipalityCode, Path file, RoadFiles.Options options, String actor) {
        Municipality m = municipalities.find(municipalityCode)
                .orElseThrow(() -> new InputException("unknown municipality '" + municipalityCode + "' (a three-digit code, e.g. 461)"));
        RoadSource source = RoadFiles.read(file, options);
        Result r = tx.execute(status -> replace(m, source, actor));
        log.info("road network of {}: {}", m.code(), r.summary());
        return r;
    }

    private Result replace(Municipality m, RoadSource source, String actor) {
        // One import per municipality at a time; the second waits and then replaces the first's network.
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('vejsyn-road-import'), ?)").param(m.id()).query().singleRow();
        boolean known = jdbc.sql("SELECT count(*) FROM spatial_ref_sys WHERE srid = ?").param(source.srid())
                .query(Integer.class).single() > 0;
        if (!known) {
            throw new InputException(source.file() + ": CRS " + Crs.label(source.srid()) + " (" + source.crsOrigin()
                    + ") is not known to PostGIS");
        }
        // Reproject in PostGIS (PROJ), to the metric CRS the network is cut in.
        jdbc.sql("CREATE TEMP TABLE road_import_raw (n int, geom geometry) ON COMMIT DROP").update();
        WKBWriter writer = new WKBWriter();
        for (int i = 0; i < source.features().size(); i++) {
            jdbc.sql("INSERT INTO road_import_raw VALUES (?, ST_Transform(ST_SetSRID(ST_GeomFromWKB(?), ?), ?))")
                    .params(i, writer.write(source.features().get(i).geometry()), source.srid(), props.metricSrid()).update();
        }
        WKBReader reader = new WKBReader();
        List<Segmenter.Line> lines = new ArrayList<>();
        jdbc.sql("SELECT n, ST_AsBinary((ST_Dump(geom)).geom) FROM road_import_raw ORDER BY n").query(rs -> {
            RoadFeature f = source.features().get(rs.getInt(1));
            Geometry g = read(reader, rs.getBytes(2));
            for (org.locationtech.jts.geom.Coordinate c : g.getCoordinates()) {
                if (!Double.isFinite(c.x) || !Double.isFinite(c.y)) {
                    throw new InputException(source.file() + ": feature " + f.ref() + " cannot be reprojected from "
                            + Crs.label(source.srid()) + " (" + source.crsOrigin() + ")");
                }
            }
            lines.add(new Segmenter.Line(f.ref(), f.name(), (LineString) g));
        });
        List<Segmenter.Piece> pieces = Segmenter.cut(lines, props.segmentLengthM());
        if (pieces.isEmpty()) {
            throw new InputException(source.file() + ": no road is longer than " + Segmenter.MIN_PIECE_M + " m");
        }
        jdbc.sql("""
                CREATE TEMP TABLE road_import_segment (n serial, road_name text, source_feature text,
                    geom geometry(LineString, 4326), geom_key text) ON COMMIT DROP""").update();
        for (Segmenter.Piece p : pieces) {
            jdbc.sql("INSERT INTO road_import_segment (road_name, source_feature, geom) "
                            + "VALUES (?, ?, ST_Transform(ST_SetSRID(ST_GeomFromWKB(?), ?), 4326))")
                    .params(p.name(), p.ref(), writer.write(p.geometry()), props.metricSrid()).update();
        }
        // The key of a stretch's geometry: direction-normalised, on a 1e-6° grid (about 0.1 m).
        jdbc.sql("""
                UPDATE road_import_segment SET geom_key = md5(ST_AsText(ST_SnapToGrid(
                    CASE WHEN ARRAY[ST_X(ST_StartPoint(geom)), ST_Y(ST_StartPoint(geom))]
                            > ARRAY[ST_X(ST_EndPoint(geom)), ST_Y(ST_EndPoint(geom))]
                         THEN ST_Reverse(geom) ELSE geom END, 0.000001)))""").update();
        int kept = jdbc.sql("""
                SELECT count(DISTINCT s.id) FROM road_segment s JOIN road_import_segment i ON i.geom_key = s.geom_key
                WHERE s.municipality_id = ? AND s.retired_at IS NULL""").param(m.id()).query(Integer.class).single();
        List<Long> ids = jdbc.sql("""
                INSERT INTO road_segment (municipality_id, road_name, geom, length_m, geom_key, source_feature)
                SELECT :m, road_name, geom, ST_Length(geom::geography), geom_key, source_feature
                FROM (SELECT DISTINCT ON (geom_key) * FROM road_import_segment ORDER BY geom_key, n) t
                ORDER BY n -- new segments numbered in file order, along each road
                ON CONFLICT (municipality_id, geom_key) DO UPDATE SET road_name = EXCLUDED.road_name,
                    source_feature = EXCLUDED.source_feature, retired_at = NULL, imported_at = now()
                RETURNING id""").param("m", m.id()).query(Long.class).list();
        int retired = jdbc.sql("""
                UPDATE road_segment SET retired_at = now()
                WHERE municipality_id = :m AND retired_at IS NULL AND id <> ALL (CAST(:ids AS bigint[]))""")
                .param("m", m.id()).param("ids", RoadCoverage.idArray(ids)).update();
        // Segments new to the network (or back in it): the stored drives of the window may have covered them.
        List<Long> uncovered = jdbc.sql("""
                SELECT s.id FROM road_segment s WHERE s.id = ANY (CAST(:ids AS bigint[]))
                  AND NOT EXISTS (SELECT 1 FROM road_segment_coverage c WHERE c.segment_id = s.id)""")
                .param("ids", RoadCoverage.idArray(ids)).query(Long.class).list();
        List<Long> covered = coverage.coverSegments(m.id(), uncovered);
        history.record(m.id(), ids);
        double km = jdbc.sql("SELECT coalesce(sum(length_m), 0) / 1000 FROM road_segment WHERE municipality_id = ? AND retired_at IS NULL")
                .param(m.id()).query(Double.class).single();
        Result r = new Result(m.code(), Crs.label(source.srid()) + " from " + source.crsOrigin(), source.features().size(),
                ids.size(), kept, ids.size() - kept, retired, covered.size(), km);
        jdbc.sql("""
                INSERT INTO road_network_import (municipality_id, source, source_crs, features, segments, kept, added, retired, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(m.id(), source.file(), Crs.label(source.srid()), r.features(), r.segments(), r.kept(), r.added(),
                        r.retired(), actor).update();
        new AuditLog(jdbc).record(actor, "cli", m.code(), "roads import", source.file() + ": " + r.summary(), null, null);
        return r;
    }

    private static Geometry read(WKBReader reader, byte[] wkb) {
        try {
            return reader.read(wkb);
        } catch (ParseException e) {
            throw new IllegalStateException("PostGIS returned unreadable WKB", e);
        }
    }
}
