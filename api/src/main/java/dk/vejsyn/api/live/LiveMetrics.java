package dk.vejsyn.api.live;

import dk.vejsyn.inference.timing.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live pipeline's meters (Prometheus names in brackets):
 * <ul>
 * <li>{@code vejsyn.live.frames.received} [{@code vejsyn_live_frames_received_total}] by {@code transport}</li>
 * <li>{@code vejsyn.live.frames.accepted}, {@code …duplicate} (already in the inbox), {@code …throttled}
 *     (HTTP 503 or MQTT consumer waiting) by {@code transport}</li>
 * <li>{@code vejsyn.live.frames.rejected} by {@code transport} and {@code reason}</li>
 * <li>{@code vejsyn.live.frames.processed}: frames whose observations are stored</li>
 * <li>{@code vejsyn.live.queue.depth} / {@code …capacity}: frames held in memory by this instance</li>
 * <li>{@code vejsyn.live.stage} timer by {@code stage} (decode, preprocess, inference, postprocess,
 *     georeference, store), {@code vejsyn.live.latency}: received → observations stored</li>
 * <li>{@code vejsyn.live.observations.stored}, {@code vejsyn.live.findings.new},
 *     {@code vejsyn.live.findings.merged} (sightings added to an existing finding)</li>
 * </ul>
 */
public final class LiveMetrics {
    private final MeterRegistry registry;
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);
    private final Timer store;
    private final Timer latency;
    private final Counter processed;
    private final Counter observations;
    private final Counter created;
    private final Counter merged;

    LiveMetrics(MeterRegistry registry, Supplier<Number> depth, int capacity) {
        this.registry = registry;
        for (Stage s : Stage.values()) {
            stages.put(s, stageTimer(s.label()));
        }
        store = stageTimer("store");
        latency = Timer.builder("vejsyn.live.latency").description("Frame received until its observations are stored")
                .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
        processed = Counter.builder("vejsyn.live.frames.processed").register(registry);
        observations = Counter.builder("vejsyn.live.observations.stored").register(registry);
        // Not "…created": Prometheus reserves the _created suffix.
        created = Counter.builder("vejsyn.live.findings.new").description("Findings started by live frames").register(registry);
        merged = Counter.builder("vejsyn.live.findings.merged")
                .description("Observations that joined an existing finding").register(registry);
        io.micrometer.core.instrument.Gauge.builder("vejsyn.live.queue.depth", depth, s -> s.get().doubleValue())
                .description("Live frames held in memory (waiting or being processed)").strongReference(true).register(registry);
        io.micrometer.core.instrument.Gauge.builder("vejsyn.live.queue.capacity", () -> capacity).register(registry);
    }

    private Timer stageTimer(String stage) {
        return Timer.builder("vejsyn.live.stage").tag("stage", stage)
                .publishPercentiles(0.5, 0.95).publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    }

    void received(Transport t) {
        registry.counter("vejsyn.live.frames.received", "transport", t.label()).increment();
    }

    void accepted(Transport t) {
        registry.counter("vejsyn.live.frames.accepted", "transport", t.label()).increment();
    }

    void duplicate(Transport t) {
        registry.counter("vejsyn.live.frames.duplicate", "transport", t.label()).increment();
    }

    void throttled(Transport t) {
        registry.counter("vejsyn.live.frames.throttled", "transport", t.label()).increment();
    }

    void rejected(Transport t, RejectReason r) {
        registry.counter("vejsyn.live.frames.rejected", "transport", t.label(), "reason", r.slug()).increment();
    }

    void stage(Stage s, long nanos) {
        stages.get(s).record(nanos, TimeUnit.NANOSECONDS);
    }

    void store(long nanos) {
        store.record(nanos, TimeUnit.NANOSECONDS);
    }

    void processed(Duration receivedToStored, int observationsStored, int findingsCreated) {
        processed.increment();
        latency.record(receivedToStored.isNegative() ? Duration.ZERO : receivedToStored);
        observations.increment(observationsStored);
        created.increment(findingsCreated);
        merged.increment(Math.max(0, observationsStored - findingsCreated));
    }

    /** Frames this instance processed so far. */
    public long processedCount() {
        return (long) processed.count();
    }

    public Timer latency() {
        return latency;
    }

    public Timer stageTimer(Stage s) {
        return stages.get(s);
    }

    public Timer storeTimer() {
        return store;
    }

    public double rejectedCount(RejectReason r) {
        return registry.find("vejsyn.live.frames.rejected").tag("reason", r.slug()).counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
