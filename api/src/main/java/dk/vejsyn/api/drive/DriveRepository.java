package dk.vejsyn.api.drive;

import java.sql.Timestamp;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The one writer of the {@code drive} table, for every way a drive arrives: the findings store
 * records a drive file's, an upload job's and a live session's drive here ({@link #upsert}), and
 * live ingest counts its frames and draws its track from the inbox ({@link #countLiveFrame},
 * {@link #drawLiveTrack}).
 */
@Repository
public class DriveRepository {

    /**
     * SQL: the line through the processed live frames (inbox table {@code live_frame}) of session {@code :ref} in capture order, or drive
     * {@code d}'s current track while the session has fewer than two.
     */
    private static final String DRAWN_TRACK = """
            COALESCE((SELECT CASE WHEN count(*) >= 2 THEN
                            ST_MakeLine(ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326) ORDER BY f.captured_at) END
                      FROM live_frame f WHERE f.drive_ref = :ref AND f.state = 'done'), d.track)""";


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

    /**
     * Counts a processed frame on its drive and now and then redraws the drive's track from the
     * session's processed frames in time order: every 10th frame up to 1,000 frames, every 100th
     * up to 10,000, and so on. A redraw reads every frame of the session, so redrawing every 10th
     * frame made a long session quadratic (an hour at 10 frames/s: 3,600 points read per frame);
     * this way a frame costs at most about 100 points read, and the track lags the session by at
     * most a tenth. {@link #drawLiveTrack} completes it when the session ends. Call in the live worker's
     * transaction.
     */
    public void countLiveFrame(long driveId, String driveRef) {
        jdbc.sql("""
                UPDATE drive d SET frame_count = d.frame_count + 1,
                    track = CASE WHEN (d.frame_count - 1) % GREATEST(10, power(10, floor(log(d.frame_count + 1)) - 1)::int) = 0
                        THEN {drawn} ELSE d.track END
                WHERE d.id = :id""".replace("{drawn}", DRAWN_TRACK))
                .param("ref", driveRef).param("id", driveId).update();
    }

    /** Draws the drive's track from all processed frames of its session (when the session ends). */
    public void drawLiveTrack(long driveId, String driveRef) {
        jdbc.sql("UPDATE drive d SET track = " + DRAWN_TRACK + " WHERE d.id = :id")
                .param("ref", driveRef).param("id", driveId).update();
    }

}
