package dk.vejsyn.api.upload;

import dk.vejsyn.api.finding.IngestResult;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code upload_job} table: what was uploaded, and how far its job got. */
@Repository
class UploadJobRepository {

    private final JdbcClient jdbc;

    UploadJobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UploadJob j) {
        jdbc.sql("""
                INSERT INTO upload_job (id, municipality_id, drive_ref, vehicle, kind, spool_dir, video_file, track_file,
                    images_file, camera_json, frames_total)
                VALUES (:id, :m, :ref, :vehicle, :kind, :dir, :video, :track, :images, :camera, :total)""")
                .param("id", j.id()).param("m", j.municipalityId()).param("ref", j.driveRef())
                .param("vehicle", j.vehicle()).param("kind", j.kind().dbName()).param("dir", j.spoolDir().toString())
                .param("video", j.videoFile()).param("track", j.trackFile()).param("images", j.imagesFile())
                .param("camera", j.cameraJson()).param("total", j.framesTotal())
                .update();
    }

    void delete(UUID id) {
        jdbc.sql("DELETE FROM upload_job WHERE id = ?").param(id).update();
    }

    Optional<UploadJob> find(UUID id) {
        return jdbc.sql("""
                SELECT j.*, m.code AS municipality_code FROM upload_job j
                JOIN municipality m ON m.id = j.municipality_id WHERE j.id = ?""")
                .param(id).query(UploadJobRepository::map).optional();
    }

    /** Distinct findings the job's drive has observations in so far. */
    int findingsOfDrive(int municipalityId, String driveRef) {
        return jdbc.sql("""
                SELECT count(DISTINCT o.finding_id) FROM observation o JOIN drive d ON d.id = o.drive_id
                WHERE d.municipality_id = ? AND d.external_ref = ?""")
                .params(municipalityId, driveRef).query(Integer.class).single();
    }

    /** A new attempt starts: resumes from the committed frame. */
    void markRunning(UUID id) {
        jdbc.sql("""
                UPDATE upload_job SET state = 'running', attempts = attempts + 1, error = NULL,
                    started_at = COALESCE(started_at, now()), run_started_at = now(), run_start_frame = committed_frame,
                    updated_at = now()
                WHERE id = ?""").param(id).update();
    }

    /** Records a committed chunk; runs in the transaction that stored its observations. */
    void commitChunk(UUID id, long committedFrame, int frames, IngestResult r) {
        jdbc.sql("""
                UPDATE upload_job SET committed_frame = GREATEST(committed_frame, :frame),
                    frames_processed = frames_processed + :frames,
                    observations_stored = observations_stored + :stored,
                    duplicates_skipped = duplicates_skipped + :dups,
                    findings_created = findings_created + :created,
                    findings_updated = findings_updated + :updated, updated_at = now()
                WHERE id = :id""")
                .param("id", id).param("frame", committedFrame).param("frames", frames)
                .param("stored", r.observationsStored()).param("dups", r.duplicatesSkipped())
                .param("created", r.findingsCreated()).param("updated", r.findingsUpdated())
                .update();
    }

    /**
     * Done; {@code runtime} names the kernels the detections came from, {@code recomputed} the
     * passes of this attempt computed again after an untrusted output (TorchRuntime).
     */
    void markSucceeded(UUID id, String runtime, long recomputed) {
        jdbc.sql("""
                UPDATE upload_job SET state = 'succeeded', error = NULL, finished_at = now(), updated_at = now(),
                    runtime = ?, passes_recomputed = passes_recomputed + ?
                WHERE id = ?""").params(runtime, (int) Math.min(Integer.MAX_VALUE, recomputed), id).update();
    }

    void markFailed(UUID id, String error) {
        jdbc.sql("""
                UPDATE upload_job SET state = 'failed', error = ?, finished_at = now(), updated_at = now()
                WHERE id = ?""").params(error, id).update();
    }

    /** The job engine gave up (every retry failed): failed, keeping the last attempt's error. */
    void markGivenUp(UUID id) {
        jdbc.sql("""
                UPDATE upload_job SET state = 'failed', finished_at = now(), updated_at = now(),
                    error = 'given up after ' || attempts || ' attempts; last: ' || COALESCE(error, 'no error recorded')
                WHERE id = ? AND state NOT IN ('succeeded', 'failed')""").param(id).update();
    }

    /** Back in the queue (the service stopped, or an attempt failed and JobRunr retries it). */
    void markQueued(UUID id, String note) {
        jdbc.sql("UPDATE upload_job SET state = 'queued', error = ?, updated_at = now() WHERE id = ?")
                .params(note, id).update();
    }

    private static UploadJob map(ResultSet rs, int row) throws SQLException {
        return new UploadJob(
                rs.getObject("id", UUID.class), rs.getInt("municipality_id"), rs.getString("municipality_code"),
                rs.getString("drive_ref"), rs.getString("vehicle"),
                UploadJob.Kind.valueOf(rs.getString("kind").toUpperCase()), Path.of(rs.getString("spool_dir")),
                rs.getString("video_file"), rs.getString("track_file"), rs.getString("images_file"),
                rs.getString("camera_json"), UploadJob.State.valueOf(rs.getString("state").toUpperCase()),
                (Long) rs.getObject("frames_total"), rs.getLong("committed_frame"), rs.getLong("frames_processed"),
                rs.getInt("observations_stored"), rs.getInt("duplicates_skipped"), rs.getInt("findings_created"),
                rs.getInt("findings_updated"), rs.getInt("attempts"), rs.getString("error"),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "run_started_at"),
                rs.getLong("run_start_frame"), instant(rs, "finished_at"), rs.getInt("passes_recomputed"),
                rs.getString("runtime"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
