package dk.vejsyn.api.config;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Footage uploads and the jobs that process them ({@code vejsyn.jobs.*}).
 *
 * @param spoolDir where uploaded parts are written (one folder per job) and kept until the job
 *     ends; it must survive a restart of the service, since a resumed job reads its files again
 * @param maxUploadSize largest upload (all parts together); larger requests are refused with 413
 * @param workers detector threads per job, each with its own predictor; 0 = one per core
 * @param chunkFrames commit observations and progress after at most this many processed frames
 * @param chunkInterval ... or after this much time, whichever comes first: what a restart redoes
 * @param sampleDistanceM keep one frame per this many metres travelled (as {@code --sample-distance})
 * @param maxRangeM detections farther from the camera are dropped (as {@code --max-range})
 */
@Validated
@ConfigurationProperties("vejsyn.jobs")
public record JobProperties(
        @NotNull Path spoolDir,
        @DefaultValue("4GB") @NotNull DataSize maxUploadSize,
        @DefaultValue("0") @Min(0) @Max(64) int workers,
        @DefaultValue("25") @Min(1) int chunkFrames,
        @DefaultValue("5s") @NotNull Duration chunkInterval,
        @DefaultValue("4.0") @DecimalMin("0.0") double sampleDistanceM,
        @DefaultValue("25.0") @DecimalMin("1.0") double maxRangeM) {

    /** Detector threads a job runs: {@link #workers()} or one per core. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
