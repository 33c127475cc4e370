package dk.vejsyn.api.live;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import dk.vejsyn.api.VejsynApplication;
import dk.vejsyn.api.config.ConnectionSettings;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.InputTensors;
import dk.vejsyn.inference.detect.Letterbox;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.frame.Frame;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Live-stream benchmark (not part of {@code verify}): model-only throughput with as many
 * predictors as the service has workers, then the service consuming MQTT frames of the sample
 * drive (1) above saturation: sustained frames/s, (2) at 70 % of that: p50/p95 from frame received
 * to observations stored, (3) at 3× the sustained rate for a while: memory. Uses its own database:
 *
 * <pre>
 *   bin/services --fresh vejsyn_bench_live
 *   mvn -pl api -am test -Dvejsyn.excluded.groups= -Dgroups=bench -Dtest=LiveStreamBenchmark -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.live.overloadSeconds=300]
 * </pre>
 *
 * Writes its figures to {@code api/target/bench-live.md}.
 */
@Tag("bench")
class LiveStreamBenchmark {
    static final String URL = Optional.ofNullable(System.getenv("VEJSYN_BENCH_LIVE_JDBC_URL"))
            .orElseGet(() -> ConnectionSettings.fromSystemEnvironment().serverJdbcUrl("vejsyn_bench_live"));
    static final int WORKERS = Integer.getInteger("bench.live.workers", 2);
    static final int SATURATION_S = Integer.getInteger("bench.live.saturationSeconds", 60);
    static final int LATENCY_S = Integer.getInteger("bench.live.latencySeconds", 60);
    static final int OVERLOAD_S = Integer.getInteger("bench.live.overloadSeconds", 300);
    static final String PREFIX = LiveFixtures.PREFIX;

    final StringBuilder report = new StringBuilder();

    @Test
    void liveStreamThroughputLatencyAndMemory() throws Exception {
        List<SampleFrame> frames = LiveFixtures.sampleDrive();
        line("Started %s; load average %s; %d cores; max heap %d MiB; workers %d", Instant.now(), loadavg(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, WORKERS);
        double modelFps = modelOnly(frames);
        line("model-only: %.2f frames/s (%d predictors, forward passes on prepared tensors)", modelFps, WORKERS);

        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(VejsynApplication.class).run(
                "--server.port=0", "--spring.datasource.url=" + URL, "--spring.main.banner-mode=off",
                "--logging.level.root=warn", "--logging.level.dk.vejsyn.api.live=warn",
                "--vejsyn.live.enabled=true", "--vejsyn.live.broker-url=" + LiveFixtures.MQTT_URL,
                "--vejsyn.live.topic-prefix=" + PREFIX, "--vejsyn.live.client-id=" + LiveFixtures.uniqueId("bench"),
                "--vejsyn.live.share-group=" + LiveFixtures.uniqueId("bench"),
                "--vejsyn.live.session-expiry=30s", "--vejsyn.detection.workers=" + WORKERS);
        // Not connected itself: a template whose server and executors each vehicle's signed-in client takes (asVehicle).
        Mqtt5AsyncClient pub = Mqtt5Client.builder().identifier(LiveFixtures.uniqueId("bench-vehicle"))
                .serverHost(URI.create(LiveFixtures.MQTT_URL).getHost())
                .serverPort(URI.create(LiveFixtures.MQTT_URL).getPort()).buildAsync();
        try {
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            LiveMetrics metrics = ctx.getBean(LiveIngest.class).metrics();
            await(ctx);
            // Warm-up: 20 frames.
            publish(pub, frames, "warm", 10, 2, jdbc);
            drain(jdbc, "warm", 120);

            // 1. Saturation: offered 1.5x model-only; measure processed/s after a 15 s ramp.
            double offered = Math.max(4, 1.5 * modelFps);
            long p0 = metrics.processedCount();
            long[] mark = new long[2];
            Thread sampler = new Thread(() -> {
                try {
                    Thread.sleep(15_000);
                    mark[0] = metrics.processedCount();
                    mark[1] = System.nanoTime();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sampler.start();
            publish(pub, frames, "sat", offered, SATURATION_S, jdbc);
            long p1 = metrics.processedCount();
            double sustained = (p1 - mark[0]) / ((System.nanoTime() - mark[1]) / 1e9);
            sampler.join();
            line("saturation: offered %.1f frames/s for %d s; sustained %.2f frames/s = %.2f x model-only "
                    + "(processed %d in the run)", offered, SATURATION_S, sustained, sustained / modelFps, p1 - p0);
            drain(jdbc, "sat", 600);

            // 2. Below saturation: 70 % of sustained; latency received -> stored from the inbox.
            double rate = 0.7 * sustained;
            publish(pub, frames, "lat", rate, LATENCY_S, jdbc);
            drain(jdbc, "lat", 300);
            Map<String, Object> lat = jdbc.queryForMap("""
                    SELECT count(*) n,
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at)) * 1000 p50,
                      percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at)) * 1000 p95,
                      max(extract(epoch FROM processed_at - received_at)) * 1000 mx
                    FROM live_frame WHERE vehicle = 'lat' AND state = 'done'""");
            line("below saturation: %.2f frames/s for %d s, %s frames; received -> stored p50 %.0f ms, p95 %.0f ms, max %.0f ms",
                    rate, LATENCY_S, lat.get("n"), num(lat.get("p50")), num(lat.get("p95")), num(lat.get("mx")));
            line("stage means over the run (ms): %s", stageMeans(metrics));

            // 3. Overload: 3x sustained; heap and RSS every 10 s.
            double over = 3 * sustained;
            line("overload: offered %.1f frames/s (3x sustained) for %d s", over, OVERLOAD_S);
            AtomicBoolean stop = new AtomicBoolean();
            List<String> samples = new ArrayList<>();
            long t0 = System.nanoTime();
            long q0 = metrics.processedCount();
            Thread mem = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.gc();
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
                    samples.add(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d |",
                            (System.nanoTime() - t0) / 1_000_000_000L, heap, rssMiB(),
                            metrics.processedCount() - q0, ctx.getBean(LiveIngest.class).depth()));
                }
            });
            mem.start();
            publish(pub, frames, "over", over, OVERLOAD_S, jdbc);
            stop.set(true);
            mem.join();
            line("overload processed %.2f frames/s", (metrics.processedCount() - q0) / ((System.nanoTime() - t0) / 1e9));
            report.append("\n| s | heap after GC MiB | RSS MiB | processed | in-memory queue |\n|---|---|---|---|---|\n");
            samples.forEach(s -> report.append(s).append('\n'));
            line("load average at the end %s", loadavg());
        } finally {
            ctx.close();
            Files.writeString(Path.of("target/bench-live.md"), report.toString());
            System.out.println(report);
        }
    }

    private static double num(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    private static String stageMeans(LiveMetrics m) {
        StringBuilder b = new StringBuilder();
        for (var s : dk.vejsyn.inference.timing.Stage.values()) {
            b.append(s.label()).append(' ').append(String.format(Locale.ROOT, "%.1f", m.stageTimer(s).mean(TimeUnit.MILLISECONDS))).append(", ");
        }
        return b.append("store ").append(String.format(Locale.ROOT, "%.1f", m.storeTimer().mean(TimeUnit.MILLISECONDS))).toString();
    }

    private void line(String fmt, Object... args) {
        String s = String.format(Locale.ROOT, fmt, args);
        System.err.println("BENCH " + s);
        report.append("- ").append(s).append('\n');
    }

    private static void await(ConfigurableApplicationContext ctx) throws InterruptedException {
        LiveFixtures.await(java.time.Duration.ofSeconds(30), "subscribed",
                () -> ctx.getBean(MqttFrameConsumer.class).isSubscribed());
    }

    /** Publishes frames of the sample drive, looping, at {@code fps} for {@code seconds} as vehicle {@code vehicle}. */
    private static void publish(Mqtt5AsyncClient pub, List<SampleFrame> frames, String vehicle, double fps, int seconds,
            JdbcTemplate jdbc) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String run = Long.toString(System.currentTimeMillis() % 1_000_000);
        Mqtt5AsyncClient c = LiveFixtures.asVehicle(pub, vehicle);
        try {
            LiveFixtures.publishPaced(c, PREFIX + "/461/" + vehicle + "/frames", frames, run, fps,
                    i -> System.nanoTime() < end);
        } finally {
            c.disconnect().join();
        }
    }

    private static void drain(JdbcTemplate jdbc, String vehicle, int maxSeconds) throws InterruptedException {
        long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
        int last = -1;
        while (System.nanoTime() < end) {
            Integer queued = jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'queued'",
                    Integer.class, vehicle);
            if (queued == 0 && last == 0) {
                return;
            }
            last = queued;
            Thread.sleep(2000);
        }
    }

    private double modelOnly(List<SampleFrame> frames) throws Exception {
        ModelSpec spec = ModelSpec.load(ModelSpec.defaultMetadataFile());
        List<float[]> tensors = new ArrayList<>();
        for (SampleFrame f : frames) {
            try (Frame fr = JpegDecoder.decode(f.jpeg(), f.name(), 0, f.tag().time())) {
                Letterbox lb = Letterbox.fit(fr.width(), fr.height(), spec.inputWidth(), spec.inputHeight());
                tensors.add(InputTensors.of(fr.image(), lb, spec));
            }
        }
        List<java.nio.ByteBuffer> buffers = new ArrayList<>();
        for (float[] t : tensors) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(t.length * Float.BYTES).order(java.nio.ByteOrder.nativeOrder());
            b.asFloatBuffer().put(t);
            buffers.add(b);
        }
        try (DjlDetector.DetectorModel model = DjlDetector.DetectorModel.load(spec)) {
            double best = 0;
            for (int round = 0; round < 3; round++) {
                AtomicInteger next = new AtomicInteger();
                int total = round == 0 ? 20 : 2 * tensors.size();
                ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
                List<Callable<Void>> jobs = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    jobs.add(() -> {
                        try (DjlDetector.Forward forward = model.newForward()) {
                            for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                                forward.run(buffers.get(i % buffers.size()));
                            }
                        }
                        return null;
                    });
                }
                long t0 = System.nanoTime();
                for (var f : pool.invokeAll(jobs)) {
                    f.get();
                }
                pool.shutdown();
                double fps = total / ((System.nanoTime() - t0) / 1e9);
                if (round > 0) {
                    line("model-only round %d: %.2f frames/s", round, fps);
                    best = Math.max(best, fps);
                }
            }
            return best;
        }
    }

    private static String loadavg() {
        return LiveFixtures.loadavg();
    }

    private static long rssMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return -1;
    }
}
