package dk.vejsyn.api.config;

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
 * @param chunkFrames commit observations and progress after at most this many processed frames
 * @param chunkInterval ... or after this much time, whichever comes first: what a restart redoes
 *
 * <p>How frames become observations (threads, sampling, range) is {@code vejsyn.detection.*}
 * ({@link DetectionProperties}), shared with live frames.
 */
@Validated
@ConfigurationProperties("vejsyn.jobs")
public record JobProperties(
        @NotNull Path spoolDir,
        @DefaultValue("4GB") @NotNull DataSize maxUploadSize,
        @DefaultValue("25") @Min(1) int chunkFrames,
        @DefaultValue("5s") @NotNull Duration chunkInterval) {
}
