package dk.vejsyn.api.upload;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Resumable uploads ({@code vejsyn.jobs.resumable.*}; the spool and the size limit are
 * {@code vejsyn.jobs.*}).
 *
 * @param sessionExpiry an upload session not written to for this long is deleted with its bytes
 * @param commitEvery while a range streams in, its bytes are fsync'ed and counted as received every
 *     this many bytes (and at its end): what a dropped connection loses at most
 * @param writerLease a part being written is leased to that request for this long, renewed at every
 *     commit; a second request for the same part meanwhile gets 409 {@code part-busy} (a client
 *     retrying while the server has not yet noticed its old connection died), and a writer that
 *     vanished (instance killed) frees the part when the lease runs out
 * @param cleanupInterval how often expired sessions are looked for
 */
@Validated
@ConfigurationProperties("vejsyn.jobs.resumable")
public record ResumableProperties(
        @DefaultValue("24h") @NotNull Duration sessionExpiry,
        @DefaultValue("8MB") @NotNull DataSize commitEvery,
        @DefaultValue("2m") @NotNull Duration writerLease,
        @DefaultValue("10m") @NotNull Duration cleanupInterval) {

    public ResumableProperties {
        if (sessionExpiry.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("vejsyn.jobs.resumable.session-expiry must be at least 1m: " + sessionExpiry);
        }
        if (commitEvery.toBytes() < 64 * 1024) {
            throw new IllegalArgumentException("vejsyn.jobs.resumable.commit-every must be at least 64KB: " + commitEvery);
        }
        if (writerLease.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("vejsyn.jobs.resumable.writer-lease must be at least 5s: " + writerLease);
        }
        if (cleanupInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("vejsyn.jobs.resumable.cleanup-interval must be at least 1s: " + cleanupInterval);
        }
    }
}
