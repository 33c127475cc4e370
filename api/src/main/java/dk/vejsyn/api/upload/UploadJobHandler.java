package dk.vejsyn.api.upload;

import dk.vejsyn.api.config.DetectionProperties;
import dk.vejsyn.api.config.JobProperties;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.TorchRuntime;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.pipeline.BatchPipeline;
import dk.vejsyn.inference.pipeline.DetectionService;
import dk.vejsyn.inference.pipeline.DetectionSettings;
import dk.vejsyn.inference.pipeline.RunReport;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs an upload job (JobRunr calls it on a background-job-server thread): the batch pipeline
 * over the spooled footage into the findings store, committing in chunks, resuming after the
 * last committed frame when an earlier attempt was stopped.
 *
 * <p>Outcomes: bad footage found only while decoding (a corrupt image inside the zip) fails the
 * job for good with the input's message; a retry could not help, so JobRunr is not asked to.
 * Any other exception is rethrown for JobRunr's retries with back-off (5; a stop of the service
 * counts as one). When the service stops, {@link RunningJobs} asks the job to stop at its next
 * frame; it throws with an {@link InterruptedException} cause, which JobRunr takes as "stopped
 * with the server" and schedules again; the next attempt resumes after the committed frame.
 */
@Component
public class UploadJobHandler implements JobRequestHandler<ProcessUpload> {
    private static final Logger log = LoggerFactory.getLogger(UploadJobHandler.class);

    private final UploadJobRepository jobs;
    private final UploadSpool spool;
    private final FindingStore store;
    private final TransactionTemplate tx;
    private final JobProperties props;
    private final DetectionProperties detection;
    private final RunningJobs running;
    private final ObjectProvider<DetectionService> detectionService;

    UploadJobHandler(UploadJobRepository jobs, UploadSpool spool, FindingStore store, TransactionTemplate tx,
            JobProperties props, DetectionProperties detection, RunningJobs running,
            ObjectProvider<DetectionService> detectionService) {
        this.detection = detection;
        this.running = running;
        this.detectionService = detectionService;
        this.jobs = jobs;
        this.spool = spool;
        this.store = store;
        this.tx = tx;
        this.props = props;
    }

    @Override
    @Job(name = "Process upload", retries = 5)
    public void run(ProcessUpload request) {
        UUID id = request.getUploadId();
        UploadJob job = jobs.find(id).orElse(null);
        if (job == null || job.state().terminal()) {
            log.info("upload job {} is {}; nothing to do", id, job == null ? "gone" : job.state());
            return;
        }
        if (!running.enter()) {
            throw new ResumingSource.JobInterruptedException(); // the service is stopping: run it later
        }
        jobs.markRunning(id);
        try {
            long recomputedBefore = TorchRuntime.status().recomputedPasses();
            RunReport report = process(job);
            TorchRuntime.Status runtime = TorchRuntime.status();
            // Process-wide count: with jobs and live frames at once, passes of both are in the difference.
            jobs.markSucceeded(id, runtime.summary(), runtime.recomputedPasses() - recomputedBefore);
            spool.delete(job.spoolDir());
            log.info("upload job {} done: {}", id, report.summary().strip().replace('\n', ' '));
        } catch (InputException e) {
            jobs.markFailed(id, spool.describeInput(job, e.getMessage()));
            spool.delete(job.spoolDir());
        } catch (ResumingSource.JobInterruptedException e) {
            // The pool refuses connections to an interrupted thread: record the stop, then re-interrupt.
            boolean interrupted = Thread.interrupted();
            jobs.markQueued(id, "stopped with the service; resumes after frame "
                    + jobs.find(id).map(UploadJob::committedFrame).orElse(-1L));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e; // its InterruptedException cause tells JobRunr to schedule the job again
        } catch (RuntimeException | Error e) {
            log.warn("upload job {} attempt failed", id, e);
            jobs.markQueued(id, "attempt " + (job.attempts() + 1) + " failed (" + e + "); retried unless attempts are used up");
            throw e;
        } finally {
            running.exit();
        }
    }

    private RunReport process(UploadJob job) {
        CameraModel camera = UploadSpool.camera(job.cameraJson());
        DetectionSettings settings = detection.settings();
        ChunkingStoreSink sink = new ChunkingStoreSink(store, jobs, tx, job, camera, props.chunkFrames(),
                props.chunkInterval());
        // The service's one detection pool (DetectorConfig), shared with live frames and other jobs.
        DetectionService service = detectionService.getObject();
        try (FrameSource source = new ResumingSource(spool.open(job), job.committedFrame(),
                job.spoolDir().toString() + java.io.File.separator, sink, running::stopRequested)) {
            return new BatchPipeline(service, settings.locator(camera)).run(source, sink, n -> { });
        }
    }
}
