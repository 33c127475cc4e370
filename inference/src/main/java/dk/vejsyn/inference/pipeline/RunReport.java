package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.detect.TorchRuntime;
import dk.vejsyn.inference.frame.SkipReason;
import dk.vejsyn.inference.frame.SourceStats;
import dk.vejsyn.inference.geo.DropReason;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What a pipeline run did: frames read, sampled and skipped (why), detections kept and dropped
 * (why), where the time went, and which kernels the detections came from ({@code runtime}, with
 * the passes of this run computed again after an untrusted output in {@code passesRecomputed}).
 */
public record RunReport(
        SourceStats frames,
        long framesProcessed,
        long detections,
        long observations,
        Map<DropReason, Long> dropped,
        StageTimes times,
        Duration wallTime,
        TorchRuntime.Status runtime,
        long passesRecomputed) {

    public RunReport {
        dropped = Map.copyOf(dropped);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Frames processed per second of wall time. */
    public double framesPerSecond() {
        double s = wallTime.toNanos() / 1e9;
        return s <= 0 ? 0 : framesProcessed / s;
    }

    /** A multi-line human summary for the end of a CLI run. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "frames: %d read, %d sampled, %d skipped%n",
                frames.framesRead(), frames.sampled(), frames.skippedTotal()));
        for (Map.Entry<SkipReason, Long> e : new java.util.TreeMap<>(frames.skipped()).entrySet()) {
            sb.append(String.format(Locale.ROOT, "  skipped %-26s %d%n", e.getKey().label() + ":", e.getValue()));
        }
        sb.append(String.format(Locale.ROOT, "detections: %d, kept %d, dropped %d%n",
                detections, observations, droppedTotal()));
        for (DropReason r : DropReason.values()) {
            long n = dropped.getOrDefault(r, 0L);
            if (n > 0) {
                sb.append(String.format(Locale.ROOT, "  dropped %-26s %d%n", r.label() + ":", n));
            }
        }
        sb.append(runtime.summary()).append(String.format(Locale.ROOT, "; %d in this run%n", passesRecomputed));
        sb.append(String.format(Locale.ROOT, "time: %.1f s wall, %.2f frames/s processed%n",
                wallTime.toNanos() / 1e9, framesPerSecond()));
        for (Stage s : Stage.values()) {
            sb.append(String.format(Locale.ROOT, "  %-13s %9.1f ms total  %7.2f ms/call  (%d calls)%n",
                    s.label(), times.totalMillis(s), times.meanMillis(s), times.count(s)));
        }
        return sb.toString();
    }
}
