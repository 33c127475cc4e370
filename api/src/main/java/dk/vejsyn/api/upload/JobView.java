package dk.vejsyn.api.upload;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * An upload job as {@code GET /api/v1/jobs/{id}} shows it.
 *
 * @param state {@code queued}, {@code running}, {@code succeeded} or {@code failed}
 * @param frames decoder progress: frames read up to the last committed one, of the total the
 *     source announced; {@code processed} counts the sampled frames that went through the detector
 * @param observations observations the job stored so far
 * @param duplicatesSkipped observations the store already had (the same drive uploaded before)
 * @param findings distinct findings the drive's observations belong to so far
 * @param etaSeconds estimated seconds to completion while running, from this attempt's pace
 * @param error why the job failed, or what happened to the last attempt
 * @param runtime for a finished job: the convolution kernels its detections came from and why
 *     (README, "Platform notes")
 * @param passesRecomputed forward passes computed again because their first output was not
 *     trusted; their first outputs never became detections
 */
public record JobView(UUID id, String state, String municipality, String driveRef, String vehicle, String kind,
        Frames frames, int observations, int duplicatesSkipped, int findings, int findingsCreated,
        int findingsUpdated, Long etaSeconds, String error, int attempts, Instant createdAt, Instant startedAt,
        Instant finishedAt, String runtime, int passesRecomputed) {

    /** Frame progress; {@code total} is absent when the source cannot tell. */
    public record Frames(long done, Long total, long processed) {}

    static JobView of(UploadJob j, String state, int findings, Instant now) {
        long done = j.committedFrame() + 1;
        Long total = j.framesTotal();
        if (total != null) {
            done = "succeeded".equals(state) ? total : Math.min(done, total);
        }
        return new JobView(j.id(), state, j.municipalityCode(), j.driveRef(), j.vehicle(),
                j.kind().name().toLowerCase(), new Frames(done, total, j.framesProcessed()), j.observationsStored(),
                j.duplicatesSkipped(), findings, j.findingsCreated(), j.findingsUpdated(),
                "running".equals(state) ? eta(j, done, total, now) : null, j.error(), j.attempts(),
                j.createdAt(), j.startedAt(), j.finishedAt(), j.runtime(), j.passesRecomputed());
    }

    /** Remaining frames at the pace of the current attempt; unknown until it committed something. */
    private static Long eta(UploadJob j, long done, Long total, Instant now) {
        if (total == null || j.runStartedAt() == null) {
            return null;
        }
        long gained = done - (j.runStartFrame() + 1);
        double seconds = Duration.between(j.runStartedAt(), now).toMillis() / 1000.0;
        if (gained <= 0 || seconds <= 0) {
            return null;
        }
        return Math.round((total - done) / (gained / seconds));
    }
}
