package dk.vejsyn.inference.timing;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Accumulated wall time and counts per {@link Stage}. Thread-safe: workers add to one shared
 * instance; summaries are read at the end of a run.
 */
public final class StageTimes {
    private final Map<Stage, LongAdder> nanos = new EnumMap<>(Stage.class);
    private final Map<Stage, LongAdder> counts = new EnumMap<>(Stage.class);

    public StageTimes() {
        for (Stage s : Stage.values()) {
            nanos.put(s, new LongAdder());
            counts.put(s, new LongAdder());
        }
    }

    public void add(Stage stage, long elapsedNanos) {
        nanos.get(stage).add(elapsedNanos);
        counts.get(stage).increment();
    }

    /** Total milliseconds spent in a stage, summed over all threads. */
    public double totalMillis(Stage stage) {
        return nanos.get(stage).sum() / 1e6;
    }

    public long count(Stage stage) {
        return counts.get(stage).sum();
    }

    /** Mean milliseconds per call of a stage, or 0 when it never ran. */
    public double meanMillis(Stage stage) {
        long n = count(stage);
        return n == 0 ? 0 : totalMillis(stage) / n;
    }

    /** Adds everything {@code other} holds to this one. */
    public void addAll(StageTimes other) {
        for (Stage s : Stage.values()) {
            nanos.get(s).add(other.nanos.get(s).sum());
            counts.get(s).add(other.counts.get(s).sum());
        }
    }

    /**
     * Moves what this holds into {@code target} and empties this one. For a worker's own scratch
     * record, which only that worker writes: what one frame cost is then the scratch's contents.
     */
    public void moveTo(StageTimes target) {
        for (Stage s : Stage.values()) {
            target.nanos.get(s).add(nanos.get(s).sumThenReset());
            target.counts.get(s).add(counts.get(s).sumThenReset());
        }
    }

    /** Total nanoseconds spent in a stage. */
    public long totalNanos(Stage stage) {
        return nanos.get(stage).sum();
    }
}
