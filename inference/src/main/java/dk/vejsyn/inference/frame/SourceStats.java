package dk.vejsyn.inference.frame;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Counters a {@link FrameSource} keeps while it runs: frames it looked at, frames it kept, and
 * frames it skipped, by reason. Read them for the progress bar and the end-of-run summary.
 *
 * <p>Not thread-safe: a source is pulled by one thread, and readers take a {@link #snapshot()}
 * if they need a stable view from another thread.
 */
public final class SourceStats {
    private long framesRead;
    private long sampled;
    private final EnumMap<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);

    /** Frames (or images) the source looked at, whether kept or skipped. */
    public long framesRead() {
        return framesRead;
    }

    /** Frames handed to the pipeline. */
    public long sampled() {
        return sampled;
    }

    /** Frames skipped for {@code reason}. */
    public long skipped(SkipReason reason) {
        return skipped.getOrDefault(reason, 0L);
    }

    /** All skip counts, reasons that never occurred left out. */
    public Map<SkipReason, Long> skipped() {
        return Collections.unmodifiableMap(new EnumMap<>(skipped));
    }

    public long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** An independent copy. */
    public SourceStats snapshot() {
        SourceStats copy = new SourceStats();
        copy.framesRead = framesRead;
        copy.sampled = sampled;
        copy.skipped.putAll(skipped);
        return copy;
    }

    void countRead() {
        framesRead++;
    }

    void countSampled() {
        sampled++;
    }

    void countSkipped(SkipReason reason) {
        countSkipped(reason, 1);
    }

    void countSkipped(SkipReason reason, long n) {
        if (n > 0) {
            skipped.merge(reason, n, Long::sum);
        }
    }

    @Override
    public String toString() {
        String reasons = skipped.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(", "));
        return "read " + framesRead + ", sampled " + sampled
                + ", skipped " + skippedTotal() + (reasons.isEmpty() ? "" : " (" + reasons + ")");
    }
}
