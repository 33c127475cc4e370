package dk.vejsyn.api.upload;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.finding.IngestResult;
import dk.vejsyn.api.finding.RedriveResult;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.pipeline.ObservationSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers an upload job's observations to the findings store in chunks while the job runs, so
 * a job stopped half-way keeps what it did.
 *
 * <p>Workers finish frames out of order. The sink therefore commits up to a <em>watermark</em>:
 * the highest frame index such that it and every frame dispatched before it are processed.
 * Observations of those frames and the new watermark are written in one transaction
 * ({@link FindingStore#ingest} joins it), so after a restart the job skips exactly the frames
 * whose observations are stored. Should that ever overlap (the store is idempotent per frame and
 * box anyway), nothing is stored twice.
 *
 * <p>A chunk is committed after {@code chunkFrames} processed frames or {@code chunkInterval},
 * whichever comes first, on the worker thread that finished the frame. At completion the rest is
 * committed, the drive's full track recorded and the re-drive evidence ("not seen") evaluated
 * once over every frame of the drive, those of earlier attempts included.
 */
final class ChunkingStoreSink implements ObservationSink {
    private final FindingStore store;
    private final UploadJobRepository jobs;
    private final TransactionTemplate tx;
    private final UploadJob job;
    private final CameraModel camera;
    private final int chunkFrames;
    private final long chunkIntervalNanos;

    private final FrameWatermark watermark;
    private final Map<Long, List<Observation>> pending = new HashMap<>();
    private final List<GeoTag> frames = new ArrayList<>();
    private int processedSinceCommit;
    private long lastCommit = System.nanoTime();
    private RedriveResult redrive;

    ChunkingStoreSink(FindingStore store, UploadJobRepository jobs, TransactionTemplate tx, UploadJob job,
            CameraModel camera, int chunkFrames, Duration chunkInterval) {
        this.store = store;
        this.jobs = jobs;
        this.tx = tx;
        this.job = job;
        this.camera = camera;
        this.chunkFrames = chunkFrames;
        this.chunkIntervalNanos = chunkInterval.toNanos();
        this.watermark = new FrameWatermark(job.committedFrame());
    }

    /** A frame an earlier attempt committed: only its position is kept, for the drive's track. */
    synchronized void alreadyCommitted(GeoTag tag) {
        frames.add(tag);
    }

    /** A frame was handed to the detectors (decoding thread, in index order). */
    synchronized void dispatched(long frameIndex) {
        watermark.dispatched(frameIndex);
    }

    @Override
    public synchronized void accept(Observation o) {
        pending.computeIfAbsent(o.frameIndex(), k -> new ArrayList<>()).add(o);
    }

    @Override
    public synchronized void frameProcessed(GeoTag vehicle, String source, long frameIndex) {
        watermark.processed(frameIndex);
        frames.add(vehicle);
        processedSinceCommit++;
        if (processedSinceCommit >= chunkFrames || System.nanoTime() - lastCommit >= chunkIntervalNanos) {
            commit();
        }
    }

    /** Stores the observations of every frame up to the watermark, with the watermark. */
    private void commit() {
        List<Long> passed = watermark.advance();
        processedSinceCommit = watermark.waiting();
        lastCommit = System.nanoTime();
        if (passed.isEmpty()) {
            return;
        }
        List<Observation> batch = new ArrayList<>();
        for (long index : passed) {
            List<Observation> os = pending.remove(index);
            if (os != null) {
                batch.addAll(os);
            }
        }
        long committed = watermark.mark();
        // Observations and the watermark in one transaction: a restart never skips an unstored frame.
        tx.executeWithoutResult(status -> {
            IngestResult r = store.ingest(job.municipalityCode(), DriveInfo.of(job.driveRef(), job.vehicle()), batch);
            jobs.commitChunk(job.id(), committed, passed.size(), r);
        });
    }

    @Override
    public synchronized void complete() {
        commit();
        if (watermark.pending() > 0) {
            throw new IllegalStateException(watermark.pending() + " frames dispatched but never processed");
        }
        frames.sort(Comparator.comparing(GeoTag::time));
        // The whole drive's time span and track; then "not seen" evidence, once per drive.
        store.ingest(job.municipalityCode(), DriveInfo.fromFrames(job.driveRef(), job.vehicle(), frames), List.of());
        redrive = store.recordPass(job.municipalityCode(), job.driveRef(), frames, camera);
    }

    /** Known findings the drive passed without seeing them; after {@link #complete()}. */
    synchronized RedriveResult redrive() {
        return redrive;
    }

}
