package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.InputTensors;
import dk.vejsyn.inference.detect.Letterbox;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.detect.TorchRuntime;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.FrameSources;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.pipeline.BatchPipeline;
import dk.vejsyn.inference.pipeline.LoopingSource;
import dk.vejsyn.inference.pipeline.ObservationSink;
import dk.vejsyn.inference.pipeline.PipelineSettings;
import dk.vejsyn.inference.pipeline.RunReport;
import dk.vejsyn.inference.timing.Stage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn bench}: model-only throughput (forward passes on ready tensors) against the full
 * pipeline (decode → detect → georeference) on the same frames, measured alternately in one
 * run, and resident memory over a long replayed drive. Writes a section of
 * {@code docs/BENCHMARKS.md}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures pipeline vs model-only throughput and memory; writes docs/BENCHMARKS.md.")
public class BenchCommand implements Callable<Integer> {
    static final String THROUGHPUT = "## Detection pipeline: throughput (bench command)";
    static final String MEMORY = "## Detection pipeline: memory (bench command)";

    @Option(names = "--video", paramLabel = "FILE", description = "Video (default: the bundled sample drive).")
    Path video;

    @Option(names = "--track", paramLabel = "FILE", description = "GPS track of the video.")
    Path track;

    @Option(names = "--frames", defaultValue = "120",
            description = "Frames per throughput round; 0 skips the throughput part (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating model-only/pipeline rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--memory-frames", defaultValue = "10000",
            description = "Frames for the memory run; 0 skips it (default ${DEFAULT-VALUE}).")
    int memoryFrames;

    @Option(names = "--workers", description = "Pipeline workers (default: one per core).")
    Integer workers;

    @Option(names = "--report", paramLabel = "FILE", description = "Markdown file to update (default docs/BENCHMARKS.md).")
    Path report;

    @Option(names = "--kernels", split = ",", paramLabel = "aten|onednn",
            description = "Also measure model-only with each of these convolution kernels in every round, side by "
                    + "side (only kernels this start trusted; start with ONEDNN_MAX_CPU_ISA=SSE41 to compare oneDNN's "
                    + "exact SSE4.1 kernels where its wider ones are wrong).")
    List<TorchRuntime.Convolutions> kernels = List.of();

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(System.getProperty("vejsyn.repo.root", "."));
        Path v = video != null ? video : root.resolve("sample-images/odense-drive/drive.mp4");
        Path t = track != null ? track : root.resolve("sample-images/odense-drive/drive-exact.gpx");
        if (!Files.isRegularFile(v) || !Files.isRegularFile(t)) {
            throw new InputException("bench needs a video and its track: " + v + ", " + t);
        }
        Path out = report != null ? report : root.resolve("docs/BENCHMARKS.md");
        ModelSpec spec = ModelSpec.load(ModelSpec.defaultMetadataFile());
        // Every frame, so both sides see exactly the same frames.
        SourceOptions everyFrame = SourceOptions.defaults().withSampleDistanceM(0).withStandstillSpeedMps(0);
        CameraModel cam = CameraModel.refuseTruckDashcam();
        try (DjlDetector.DetectorModel model = DjlDetector.DetectorModel.load(spec)) {
            if (frames > 0) {
                List<ByteBuffer> tensors = prepareTensors(v, t, everyFrame, spec);
                System.err.printf(Locale.ROOT, "prepared %d input tensors of %dx%d%n", tensors.size(),
                        spec.inputWidth(), spec.inputHeight());
                modelOnly(model, spec, tensors.subList(0, Math.min(5, tensors.size()))); // warm-up
                double[] modelFps = new double[rounds];
                double[] pipeFps = new double[rounds];
                double[] modelCpu = new double[rounds];
                double[] pipeCpu = new double[rounds];
                double[][] kernelFps = new double[kernels.size()][rounds];
                double[][] kernelCpu = new double[kernels.size()][rounds];
                RunReport last = null;
                for (int r = 0; r < rounds; r++) {
                    // Alternate which side goes first, so a drift of the machine during a round
                    // pair (another tenant, frequency) does not always favour the same side.
                    boolean modelFirst = r % 2 == 0;
                    for (int side = 0; side < 2; side++) {
                        long cpu0 = processCpuNanos();
                        if ((side == 0) == modelFirst) {
                            modelFps[r] = modelOnly(model, spec, tensors);
                            modelCpu[r] = (processCpuNanos() - cpu0) / 1e6 / tensors.size();
                        } else {
                            last = pipeline(model, cam, v, t, everyFrame, tensors.size());
                            pipeFps[r] = last.framesPerSecond();
                            pipeCpu[r] = (processCpuNanos() - cpu0) / 1e6 / tensors.size();
                        }
                    }
                    for (int k = 0; k < kernels.size(); k++) {
                        long cpu0 = processCpuNanos();
                        kernelFps[k][r] = TorchRuntime.with(kernels.get(k), () -> modelOnly(model, spec, tensors));
                        kernelCpu[k][r] = (processCpuNanos() - cpu0) / 1e6 / tensors.size();
                        System.err.printf(Locale.ROOT, "round %d: model-only with %s kernels %.2f frames/s (%.1f CPU ms/frame)%n",
                                r + 1, kernels.get(k).label(), kernelFps[k][r], kernelCpu[k][r]);
                    }
                    System.err.printf(Locale.ROOT, "round %d: model-only %.2f frames/s (%.1f CPU ms/frame), "
                                    + "pipeline %.2f frames/s (%.1f CPU ms/frame), ratio %.3f%n",
                            r + 1, modelFps[r], modelCpu[r], pipeFps[r], pipeCpu[r], pipeFps[r] / modelFps[r]);
                }
                BenchReport.writeSection(out, THROUGHPUT, throughputTable(spec, tensors.size(), modelFps, pipeFps, modelCpu, pipeCpu, last)
                        + kernelTable(modelFps, modelCpu, kernelFps, kernelCpu));
            }
            if (memoryFrames > 0) {
                BenchReport.writeSection(out, MEMORY, memoryRun(model, spec, cam, v, t, everyFrame));
            }
        }
        System.err.println("wrote " + out);
        return 0;
    }

    /**
     * The frames' model inputs, as native-order direct buffers: the same kind of buffer the
     * pipeline's preprocessing hands to DJL, so both sides create their input arrays alike.
     */
    private List<ByteBuffer> prepareTensors(Path v, Path t, SourceOptions opts, ModelSpec spec) {
        List<ByteBuffer> out = new ArrayList<>();
        try (FrameSource src = FrameSources.video(v, t, opts)) {
            while (out.size() < frames) {
                Optional<GeoFrame> f = src.next();
                if (f.isEmpty()) {
                    break;
                }
                try (GeoFrame gf = f.get()) {
                    Letterbox lb = Letterbox.fit(gf.frame().width(), gf.frame().height(),
                            spec.inputWidth(), spec.inputHeight());
                    float[] input = InputTensors.of(gf.frame().image(), lb, spec);
                    ByteBuffer buffer = ByteBuffer.allocateDirect(input.length * Float.BYTES).order(ByteOrder.nativeOrder());
                    buffer.asFloatBuffer().put(input);
                    out.add(buffer);
                }
            }
        }
        if (out.isEmpty()) {
            throw new InputException("no frames decoded from " + v);
        }
        return out;
    }

    /**
     * Forward passes only, on tensors prepared beforehand, with as many predictors running in
     * parallel as the pipeline has workers (the same configuration, so the ratio compares like
     * with like); frames per second over all of them.
     */
    private double modelOnly(DjlDetector.DetectorModel model, ModelSpec spec, List<ByteBuffer> tensors)
            throws Exception {
        int n = settings().workers();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Callable<Void>> jobs = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                jobs.add(() -> {
                    // Guarded like the pipeline's passes: both sides do the same trusted work.
                    try (DjlDetector.Forward forward = model.newForward()) {
                        for (int i = next.getAndIncrement(); i < tensors.size(); i = next.getAndIncrement()) {
                            forward.run(tensors.get(i));
                        }
                    }
                    return null;
                });
            }
            long t0 = System.nanoTime();
            for (var f : pool.invokeAll(jobs)) {
                f.get();
            }
            return tensors.size() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    private RunReport pipeline(DjlDetector.DetectorModel model, CameraModel cam, Path v, Path t,
            SourceOptions opts, int n) {
        BatchPipeline p = new BatchPipeline(model, new ObservationLocator(cam, 25),
                settings());
        // The calling thread is the pipeline's decoder: its CPU time is what decoding costs.
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        try (LoopingSource src = new LoopingSource(() -> FrameSources.video(v, t, opts), n)) {
            return p.run(src, new CountingSink(), x -> { });
        } finally {
            lastDecodeCpuMs = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e6 / n;
        }
    }

    /** CPU ms per frame of the last pipeline round's decoding thread. */
    private double lastDecodeCpuMs;

    private String memoryRun(DjlDetector.DetectorModel model, ModelSpec spec, CameraModel cam, Path v, Path t,
            SourceOptions opts) {
        TreeMap<Long, Long> rss = new TreeMap<>();
        BatchPipeline p = new BatchPipeline(model, new ObservationLocator(cam, 25),
                settings());
        long t0 = System.nanoTime();
        try (LoopingSource src = new LoopingSource(() -> FrameSources.video(v, t, opts), memoryFrames)) {
            p.run(src, new CountingSink(), x -> {
                long d = src.delivered();
                if (d % 500 == 0 && !rss.containsKey(d)) {
                    rss.put(d, residentKb());
                    if (d % 2000 == 0) {
                        System.err.printf(Locale.ROOT, "memory run: %d frames, RSS %d MiB%n", d, rss.get(d) / 1024);
                    }
                }
            });
        }
        // Only samples taken while the pipeline ran: after it, predictors and frames are released.
        rss.putIfAbsent((long) memoryFrames, residentKb());
        double secs = (System.nanoTime() - t0) / 1e9;
        long at1000 = rss.ceilingEntry(Math.min(1000L, memoryFrames)).getValue();
        long atEnd = rss.lastEntry().getValue();
        long max = rss.tailMap(Math.min(1000L, memoryFrames)).values().stream().mapToLong(Long::longValue).max().orElse(0);
        long min = rss.tailMap(Math.min(1000L, memoryFrames)).values().stream().mapToLong(Long::longValue).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        sb.append(MEMORY).append("\n\n").append(BenchReport.machine()).append(String.format(Locale.ROOT,
                "Model `%s` %s, input %dx%d; the sample drive replayed, every frame, %d worker(s); %,d frames in %.0f s. "
                        + "Command: `bin/vejsyn bench --frames 0`.%n%n",
                spec.name(), spec.version(), spec.inputWidth(), spec.inputHeight(), settings().workers(), memoryFrames, secs));
        sb.append("| frame | resident memory (MiB) |\n|---:|---:|\n");
        long step = Math.max(500, memoryFrames / 10 / 500 * 500);
        rss.forEach((k, kb) -> {
            if (k == 500 || k % step == 0 || k == memoryFrames) {
                sb.append(String.format(Locale.ROOT, "| %,d | %.0f |%n", k, kb / 1024.0));
            }
        });
        double change = 100.0 * (atEnd - at1000) / at1000;
        double spread = 100.0 * (max - min) / at1000;
        sb.append(String.format(Locale.ROOT,
                "%nRSS at frame 1,000: %.0f MiB; at frame %,d: %.0f MiB; change %+.1f %% (target within ±10 %%); "
                        + "max−min after frame 1,000: %.1f %% of the frame-1,000 value.%n",
                at1000 / 1024.0, memoryFrames, atEnd / 1024.0, change, spread));
        return sb.toString();
    }

    private String throughputTable(ModelSpec spec, int n, double[] modelFps, double[] pipeFps, double[] modelCpu,
            double[] pipeCpu, RunReport last) {
        double m = BenchReport.median(modelFps);
        double p = BenchReport.median(pipeFps);
        double mc = BenchReport.median(modelCpu);
        double pc = BenchReport.median(pipeCpu);
        double[] ratios = new double[modelFps.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = pipeFps[i] / modelFps[i];
        }
        StringBuilder sb = new StringBuilder();
        sb.append(THROUGHPUT).append("\n\n").append(BenchReport.machine());
        sb.append(String.format(Locale.ROOT,
                "Model `%s` %s, input %dx%d; %d frames of the sample drive (1280x720), every frame, %d worker(s), "
                        + "PyTorch threads %s; %d rounds, model-only first in odd rounds, pipeline first in even ones. "
                        + "Command: `bin/vejsyn bench --frames %d --rounds %d`.%n%n",
                spec.name(), spec.version(), spec.inputWidth(), spec.inputHeight(), n, settings().workers(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"), modelFps.length, frames, modelFps.length));
        sb.append("| round | model-only frames/s | pipeline frames/s | ratio | model-only CPU ms/frame "
                + "| pipeline CPU ms/frame | CPU ratio |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < modelFps.length; i++) {
            sb.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.3f | %.1f | %.1f | %.3f |%n", i + 1, modelFps[i],
                    pipeFps[i], ratios[i], modelCpu[i], pipeCpu[i], modelCpu[i] / pipeCpu[i]));
        }
        sb.append(String.format(Locale.ROOT, "| **median** | **%.2f** | **%.2f** | **%.3f** | **%.1f** | **%.1f** | **%.3f** |%n%n",
                m, p, p / m, mc, pc, mc / pc));
        sb.append(String.format(Locale.ROOT, "Ratio of the median throughputs %.3f; median of the per-round ratios %.3f. "
                        + "CPU ms/frame is the process's CPU time (all threads, native ones included) per frame: on a "
                        + "CPU-bound machine throughput follows it; it does not count time the process waits for the "
                        + "CPU, but a host that slows the cores inflates it too, so it is a second view of the ratio "
                        + "(median CPU ratio %.3f), not a noise-free one.%n%n",
                p / m, BenchReport.median(ratios), mc / pc));
        int w = settings().workers();
        sb.append(String.format(Locale.ROOT, "Model-only: %.1f ms per frame on this machine (%d predictor(s) in parallel, "
                        + "so about %.0f ms per forward pass each). Target: pipeline ≥ 0.9 × model-only → %s.%n%n",
                1000 / m, w, 1000 * w / m, p / m >= 0.9 ? "met" : "NOT met"));
        sb.append(String.format(Locale.ROOT, "Decoding thread of the last pipeline round: %.2f CPU ms per frame "
                + "(FFmpeg decoding and, for kept frames, the conversion to BGR).%n%n", lastDecodeCpuMs));
        sb.append("Stage times of the last pipeline round (wall time per call, summed over threads):\n\n"
                + "| stage | ms/call |\n|---|---:|\n");
        for (Stage s : Stage.values()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f |%n", s.label(), last.times().meanMillis(s)));
        }
        return sb.toString();
    }

    /** Model-only with each kernel of {@code --kernels}, measured in the same rounds as the main table. */
    private String kernelTable(double[] modelFps, double[] modelCpu, double[][] kernelFps, double[][] kernelCpu) {
        if (kernels.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nModel-only with other kernels, in the same "
                + "rounds (`--kernels %s`); ratio = their frames/s over those of the kernels in use (%s):%n%n",
                String.join(",", kernels.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList()),
                TorchRuntime.active().label()));
        sb.append("| kernels | frames/s per round | median frames/s | median CPU ms/frame | median ratio |\n"
                + "|---|---|---:|---:|---:|\n");
        sb.append(String.format(Locale.ROOT, "| %s (in use) | %s | %.2f | %.1f | 1.000 |%n", TorchRuntime.active().label(),
                BenchReport.join(modelFps), BenchReport.median(modelFps), BenchReport.median(modelCpu)));
        for (int k = 0; k < kernels.size(); k++) {
            double[] ratio = new double[modelFps.length];
            for (int r = 0; r < ratio.length; r++) {
                ratio[r] = kernelFps[k][r] / modelFps[r];
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f | %.3f |%n", kernels.get(k).label(),
                    BenchReport.join(kernelFps[k]), BenchReport.median(kernelFps[k]), BenchReport.median(kernelCpu[k]),
                    BenchReport.median(ratio)));
        }
        return sb.append('\n').toString();
    }

    private PipelineSettings settings() {
        return workers == null ? PipelineSettings.defaults() : PipelineSettings.defaults().withWorkers(workers);
    }

    /** CPU time of this process, all threads (PyTorch's and FFmpeg's native ones included). */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report process CPU time");
    }

    static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    }

    /** Counts observations and drops them: the benchmark measures the pipeline, not a file writer. */
    private static final class CountingSink implements ObservationSink {
        private final LongAdder n = new LongAdder();

        @Override
        public void accept(Observation o) {
            n.increment();
        }

        @Override
        public void complete() {}
    }
}
