package dk.vejsyn.api.drive;

import java.sql.Timestamp;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Drives by municipality and external reference. */
@Repository
public class DriveRepository {

    private final JdbcClient jdbc;

    public DriveRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the drive or widens the existing one's time span and track; returns its id. */
    public long upsert(int municipalityId, DriveInfo d) {
        String wkt = d.track().size() >= 2
                ? d.track().stream().map(p -> p.lon() + " " + p.lat()).collect(Collectors.joining(",", "LINESTRING(", ")"))
                : null;
        return jdbc.sql("""
                INSERT INTO drive (municipality_id, external_ref, vehicle, started_at, ended_at, track, frame_count)
                VALUES (:m, :ref, :vehicle, CAST(:start AS timestamptz), CAST(:end AS timestamptz), ST_GeomFromText(CAST(:wkt AS text), 4326), :frames)
                ON CONFLICT (municipality_id, external_ref) DO UPDATE SET
                    started_at = LEAST(drive.started_at, EXCLUDED.started_at),
                    ended_at = GREATEST(drive.ended_at, EXCLUDED.ended_at),
                    track = COALESCE(EXCLUDED.track, drive.track),
                    frame_count = GREATEST(drive.frame_count, EXCLUDED.frame_count)
                RETURNING id""")
                .param("m", municipalityId).param("ref", d.externalRef()).param("vehicle", d.vehicle())
                .param("start", d.startedAt() == null ? null : Timestamp.from(d.startedAt()))
                .param("end", d.endedAt() == null ? null : Timestamp.from(d.endedAt()))
                .param("wkt", wkt).param("frames", d.track().size())
                .query(Long.class).single();
    }

    public Optional<Long> findId(int municipalityId, String externalRef) {
        return jdbc.sql("SELECT id FROM drive WHERE municipality_id = ? AND external_ref = ?")
                .params(municipalityId, externalRef).query(Long.class).optional();
    }

}
