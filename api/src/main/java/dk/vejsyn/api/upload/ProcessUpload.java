package dk.vejsyn.api.upload;

import java.util.UUID;
import org.jobrunr.jobs.lambdas.JobRequest;

/**
 * The JobRunr job request "process upload {@code uploadId}". JobRunr stores it as JSON in its
 * tables; everything else the job needs is in {@code upload_job}, so the request stays this small.
 */
public class ProcessUpload implements JobRequest {
    private UUID uploadId;

    /** For JobRunr's JSON mapper. */
    public ProcessUpload() {}

    public ProcessUpload(UUID uploadId) {
        this.uploadId = uploadId;
    }

    public UUID getUploadId() {
        return uploadId;
    }

    @Override
    public Class<UploadJobHandler> getJobRequestHandler() {
        return UploadJobHandler.class;
    }
}
