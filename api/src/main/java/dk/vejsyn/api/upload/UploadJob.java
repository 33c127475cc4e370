package dk.vejsyn.api.upload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * One uploaded drive and the progress of the job processing it, as stored in {@code upload_job}.
 *
 * @param committedFrame every sampled frame with an index up to this one has its observations
 *     stored; a resumed job starts after it ({@code -1}: none yet)
 * @param runStartFrame {@code committedFrame} when the current attempt started, for the ETA
 */
public record UploadJob(
        UUID id, int municipalityId, String municipalityCode, String driveRef, String vehicle, Kind kind,
        Path spoolDir, String videoFile, String trackFile, String imagesFile, String cameraJson,
        State state, Long framesTotal, long committedFrame, long framesProcessed,
        int observationsStored, int duplicatesSkipped, int findingsCreated, int findingsUpdated,
        int attempts, String error, Instant createdAt, Instant startedAt, Instant runStartedAt,
        long runStartFrame, Instant finishedAt, int passesRecomputed, String runtime) {

    /** What was uploaded. */
    public enum Kind {
        VIDEO, IMAGES;

        String dbName() {
            return name().toLowerCase();
        }
    }

    /** Where the job stands, as the user sees it. */
    public enum State {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        String dbName() {
            return name().toLowerCase();
        }

        boolean terminal() {
            return this == SUCCEEDED || this == FAILED;
        }
    }

    Path video() {
        return spoolDir.resolve(videoFile);
    }

    Path track() {
        return spoolDir.resolve(trackFile);
    }

    Path images() {
        return spoolDir.resolve(imagesFile);
    }
}
