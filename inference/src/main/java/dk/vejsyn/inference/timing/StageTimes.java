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
}
