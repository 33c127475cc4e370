package dk.vejsyn.api.road;

import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which drives covered which segments ({@link TrackCoverage}), recorded in
 * {@code road_segment_coverage} with the drive's time. Called when a drive ends (an upload job,
 * a live session) and when a network import brings segments the stored drives have not been
 * matched with yet.
 */
@Service
public class RoadCoverage {
    private static final Logger log = LoggerFactory.getLogger(RoadCoverage.class);

    private final JdbcClient jdbc;
    private final RoadProperties props;
    private final Municipalities municipalities;
    private final RoadHistory history;
    private final TransactionTemplate nested;

    public RoadCoverage(JdbcClient jdbc, RoadProperties props, Municipalities municipalities, RoadHistory history,
            PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.props = props;
        this.municipalities = municipalities;
        this.history = history;
        this.nested = new TransactionTemplate(transactions);
        // Inside a caller's transaction (a live session's end) a savepoint: a failure here rolls back
        // only the coverage and never the caller's work.
        this.nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /**
     * A drive has ended: records the segments its track covered and their ratings' history. The one
     * call the upload job and the live session closer make. Never throws: coverage is derived data,
     * and a failure must not fail the job or keep the session open; it is logged.
     *
     * @return the segments it covered (empty when it failed or the municipality has no network)
     */
    public List<Long> driveFinished(String municipalityCode, String driveRef) {
        try {
            return nested.execute(status -> {
                Optional<Municipality> m = municipalities.find(municipalityCode);
                if (m.isEmpty()) {
                    return List.<Long>of();
                }
                Optional<Long> drive = jdbc.sql("SELECT id FROM drive WHERE municipality_id = ? AND external_ref = ?")
                        .params(m.get().id(), driveRef).query(Long.class).optional();
                if (drive.isEmpty()) {
                    return List.<Long>of();
                }
                Result r = coverDrive(m.get().id(), drive.get(), null);
                history.record(m.get().id(), r.touched());
                if (!r.covered().isEmpty()) {
                    log.info("drive {} covered {} road segment(s)", driveRef, r.covered().size());
                }
                return r.covered();
            });
        } catch (RuntimeException e) {
            log.warn("road coverage of drive {} in {} failed (the drive is stored; coverage is not): {}", driveRef,
                    municipalityCode, e.toString());
            return List.of();
        }
    }

    /** Covered: segments at or above the minimum share; touched: those whose coverage rows changed either way. */
    record Result(List<Long> covered, List<Long> touched) {}

    /**
     * Matches one drive's track with the municipality's current segments near it (or only
     * {@code segmentIds}); idempotent: evaluating a drive again replaces its rows.
     */
    Result coverDrive(int municipalityId, long driveId, Collection<Long> segmentIds) {
        record Track(byte[] wkb, Timestamp drivenAt) {}
        Optional<Track> track = jdbc.sql("""
                SELECT ST_AsBinary(ST_Transform(track, :srid)) AS wkb, coalesce(ended_at, started_at, created_at) AS driven_at
                FROM drive WHERE id = :id AND municipality_id = :m AND track IS NOT NULL""")
                .param("srid", props.metricSrid()).param("id", driveId).param("m", municipalityId)
                .query((rs, n) -> new Track(rs.getBytes(1), rs.getTimestamp(2))).optional();
        if (track.isEmpty()) {
            return new Result(List.of(), List.of());
        }
        record Candidate(long id, byte[] wkb) {}
        List<Candidate> candidates = jdbc.sql("""
                SELECT s.id, ST_AsBinary(ST_Transform(s.geom, :srid)) FROM road_segment s, drive d
                WHERE d.id = :id AND s.municipality_id = :m AND s.retired_at IS NULL
                  AND s.geom && ST_Expand(d.track, :deg) AND ST_DWithin(s.geom::geography, d.track::geography, :dist)
                  AND (CAST(:ids AS bigint[]) IS NULL OR s.id = ANY (CAST(:ids AS bigint[])))""")
                .param("srid", props.metricSrid()).param("id", driveId).param("m", municipalityId)
                .param("deg", RoadConditions.degreesFor(props.coverageDistanceM()))
                .param("dist", props.coverageDistanceM()).param("ids", idArray(segmentIds))
                .query((rs, n) -> new Candidate(rs.getLong(1), rs.getBytes(2))).list();
        WKBReader wkb = new WKBReader();
        TrackCoverage coverage = new TrackCoverage(line(wkb, track.get().wkb()), props.coverageDistanceM(),
                props.coverageHeadingDeg());
        List<Long> covered = new ArrayList<>();
        List<Long> touched = new ArrayList<>();
        for (Candidate c : candidates) {
            double share = coverage.coveredShare(line(wkb, c.wkb()));
            if (share >= props.coverageMinShare()) {
                jdbc.sql("""
                        INSERT INTO road_segment_coverage (segment_id, drive_id, driven_at, covered_share) VALUES (?, ?, ?, ?)
                        ON CONFLICT (segment_id, drive_id) DO UPDATE SET driven_at = EXCLUDED.driven_at,
                            covered_share = EXCLUDED.covered_share, recorded_at = now()""")
                        .params(c.id(), driveId, track.get().drivenAt(), (float) share).update();
                covered.add(c.id());
                touched.add(c.id());
            } else if (jdbc.sql("DELETE FROM road_segment_coverage WHERE segment_id = ? AND drive_id = ?")
                    .params(c.id(), driveId).update() > 0) {
                touched.add(c.id()); // a re-evaluated drive (a live session's longer track) may cover less
            }
        }
        return new Result(covered, touched);
    }

    /**
     * Matches the stored drives of the rating window with these segments (after an import brought
     * them); returns the segments covered.
     */
    List<Long> coverSegments(int municipalityId, Collection<Long> segmentIds) {
        if (segmentIds.isEmpty()) {
            return List.of();
        }
        List<Long> drives = jdbc.sql("""
                WITH area AS (SELECT ST_Expand(ST_SetSRID(ST_Extent(geom)::geometry, 4326), :deg) AS env
                              FROM road_segment WHERE id = ANY (CAST(:ids AS bigint[])))
                SELECT d.id FROM drive d, area WHERE d.municipality_id = :m AND d.track IS NOT NULL AND d.track && area.env
                  AND coalesce(d.ended_at, d.started_at, d.created_at) >= :since ORDER BY d.id""")
                .param("deg", RoadConditions.degreesFor(props.coverageDistanceM())).param("ids", idArray(segmentIds))
                .param("m", municipalityId)
                .param("since", Timestamp.from(java.time.Instant.now().minus(props.ratingWindow())))
                .query(Long.class).list();
        java.util.Set<Long> covered = new java.util.TreeSet<>();
        for (long d : drives) {
            covered.addAll(coverDrive(municipalityId, d, segmentIds).covered());
        }
        return new ArrayList<>(covered);
    }

    static String idArray(Collection<Long> ids) {
        return ids == null ? null : ids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    private static LineString line(WKBReader reader, byte[] wkb) {
        try {
            Geometry g = reader.read(wkb);
            return (LineString) g;
        } catch (ParseException e) {
            throw new IllegalStateException("PostGIS returned unreadable WKB", e);
        }
    }
}
