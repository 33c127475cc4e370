package dk.vejsyn.api.live;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import dk.vejsyn.api.VejsynApplication;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.detect.DetectorFactory;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import io.reactivex.schedulers.Schedulers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * CPU time per live frame outside the model (not part of {@code verify}): pushes a fixed number of
 * sample-drive frames over MQTT through one service instance and reports, per frame, the CPU time
 * of the service JVM apart from {@code detect()}, of the database's backends and background
 * processes, and of Mosquitto. CPU time, unlike throughput, is barely moved by other load on the
 * machine (a training run), so before/after comparisons hold on a busy machine. Uses its own
 * database:
 *
 * <pre>
 *   bin/services --fresh vejsyn_bench_live
 *   mvn -pl api -am test -Dvejsyn.excluded.groups= -Dgroups=bench -Dtest=LiveCpuBenchmark -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.live.cpuFrames=600]
 * </pre>
 *
 * The publisher runs in this JVM on its own named threads, whose CPU time is subtracted. The
 * session's end (track, re-drive evidence) falls inside the measured window. Writes its figures
 * to {@code api/target/bench-live-cpu.md}.
 */
@Tag("bench")
class LiveCpuBenchmark {
    static final String URL = LiveStreamBenchmark.URL;
    static final int FRAMES = Integer.getInteger("bench.live.cpuFrames", 600);
    static final double FPS = Double.parseDouble(System.getProperty("bench.live.cpuFps", "10"));
    static final int WARM_UP = Integer.getInteger("bench.live.cpuWarmUp", 200);
    static final int GAP_S = 10;
    static final String PREFIX = LiveFixtures.PREFIX;
    static final String PUBLISHER_THREADS = "bench-publisher-";

    @Test
    void cpuPerLiveFrameOutsideTheModel() throws Exception {
        List<SampleFrame> frames = LiveFixtures.sampleDrive();
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(VejsynApplication.class, Metered.class).run(
                "--server.port=0", "--spring.datasource.url=" + URL, "--spring.main.banner-mode=off",
                "--logging.level.root=warn", "--logging.level.dk.vejsyn.api.live=warn",
                "--vejsyn.live.enabled=true", "--vejsyn.live.broker-url=" + LiveFixtures.MQTT_URL,
                "--vejsyn.live.topic-prefix=" + PREFIX, "--vejsyn.live.client-id=" + LiveFixtures.uniqueId("bench"),
                "--vejsyn.live.share-group=" + LiveFixtures.uniqueId("bench"),
                "--vejsyn.live.session-expiry=30s", "--vejsyn.detection.workers=2",
                "--vejsyn.live.session-gap=" + GAP_S + "s", "--vejsyn.live.recovery-interval=1s");
        AtomicInteger n = new AtomicInteger();
        ExecutorService pubThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, PUBLISHER_THREADS + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        URI broker = URI.create(LiveFixtures.MQTT_URL);
        // Not connected itself: a template whose server and executors each vehicle's signed-in client takes (asVehicle).
        Mqtt5AsyncClient pub = Mqtt5Client.builder().identifier(LiveFixtures.uniqueId("bench-cpu-vehicle"))
                .serverHost(broker.getHost()).serverPort(broker.getPort())
                .executorConfig(MqttClientExecutorConfig.builder().nettyExecutor(pubThreads).nettyThreads(1)
                        .applicationScheduler(Schedulers.from(pubThreads)).build())
                .buildAsync();
        StringBuilder report = new StringBuilder();
        try {
            LiveFixtures.await(Duration.ofSeconds(30), "subscribed", () -> ctx.getBean(MqttFrameConsumer.class).isSubscribed());
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            LiveMetrics metrics = ctx.getBean(LiveIngest.class).metrics();
            MeteredDetectors detect = ctx.getBean(MeteredDetectors.class);
            String vehicle = "cpu" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);

            // Warm-up (JIT, pool, plans), then let its session end so that its pass is not measured.
            publish(pub, frames, vehicle + "w", WARM_UP, FPS);
            awaitProcessed(metrics, WARM_UP);
            Thread.sleep((GAP_S + 3) * 1000L);

            String db = jdbc.queryForObject("SELECT current_database()", String.class);
            Snapshot before = Snapshot.take(jdbc, db, detect);
            long p0 = metrics.processedCount();
            long t0 = System.nanoTime();
            publish(pub, frames, vehicle, FRAMES, FPS);
            LiveFixtures.await(Duration.ofMinutes(20), FRAMES + " frames processed",
                    () -> metrics.processedCount() - p0 >= FRAMES);
            double wall = (System.nanoTime() - t0) / 1e9;
            // The session ends after the gap; its pass (track, re-drive evidence) is part of the cost.
            Thread.sleep((GAP_S + 3) * 1000L);
            Snapshot after = Snapshot.take(jdbc, db, detect);
            Integer passed = jdbc.queryForObject(
                    "SELECT count(*) FROM live_session WHERE vehicle = ? AND passed_at IS NOT NULL", Integer.class, vehicle);
            Integer done = jdbc.queryForObject(
                    "SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class, vehicle);

            double f = FRAMES;
            double jvm = (after.process - before.process - (after.publisher - before.publisher)
                    - (after.detect - before.detect)) / 1e6 / f;
            double detectMs = (after.detect - before.detect) / 1e6 / f;
            double backends = Snapshot.delta(before.backends, after.backends) / f;
            double aux = Snapshot.delta(before.aux, after.aux) / f;
            double mosquitto = Snapshot.delta(before.mosquitto, after.mosquitto) / f;
            line(report, "Started %s; commit %s; load average %s; %d frames at %.0f frames/s offered, %.1f s to process; "
                    + "%d done, session passed %d", Instant.now(), System.getProperty("bench.commit", "?"), loadavg(),
                    FRAMES, FPS, wall, done, passed);
            // The JIT compilers' time depends on how far warm-up got, not on the code under test.
            double jit = (after.threads.getOrDefault("C# CompilerThre", 0L) - before.threads.getOrDefault("C# CompilerThre", 0L)) / f;
            line(report, "CPU ms per frame: service JVM outside detect() %.2f (of which JIT compilers %.2f); PostgreSQL "
                    + "backends %.2f; PostgreSQL background processes %.2f; Mosquitto %.2f; total outside detect() "
                    + "without the JIT %.2f", jvm, jit, backends, aux, mosquitto, jvm - jit + backends + aux + mosquitto);
            line(report, "CPU ms per frame in detect() (preprocess + forward + postprocess) %.2f; wall ms per frame: "
                    + "decode %.2f, preprocess %.2f, inference %.2f, postprocess %.2f, store %.2f", detectMs,
                    metrics.stageTimer(Stage.DECODE).mean(TimeUnit.MILLISECONDS),
                    metrics.stageTimer(Stage.PREPROCESS).mean(TimeUnit.MILLISECONDS),
                    metrics.stageTimer(Stage.INFERENCE).mean(TimeUnit.MILLISECONDS),
                    metrics.stageTimer(Stage.POSTPROCESS).mean(TimeUnit.MILLISECONDS),
                    metrics.storeTimer().mean(TimeUnit.MILLISECONDS));
            // Where the JVM's time goes, by thread (numbers folded; the workers' time includes detect()).
            StringBuilder byThread = new StringBuilder();
            after.threads.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), (e.getValue() - before.threads.getOrDefault(e.getKey(), 0L)) / f))
                    .filter(e -> e.getValue() >= 0.05).sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> byThread.append(String.format(Locale.ROOT, "%s %.2f; ", e.getKey(), e.getValue())));
            line(report, "JVM CPU ms per frame by thread: %s", byThread);
        } finally {
            ctx.close();
            pubThreads.shutdownNow();
            Files.writeString(Path.of("target/bench-live-cpu.md"), report.toString());
            System.out.println(report);
        }
    }

    private static void line(StringBuilder report, String fmt, Object... args) {
        String s = String.format(Locale.ROOT, fmt, args);
        System.err.println("BENCH " + s);
        report.append("- ").append(s).append('\n');
    }

    private static void awaitProcessed(LiveMetrics metrics, long atLeast) throws InterruptedException {
        LiveFixtures.await(Duration.ofMinutes(5), atLeast + " frames processed", () -> metrics.processedCount() >= atLeast);
    }

    /** {@code count} frames of the sample drive, looping, with new frame ids, at {@code fps}. */
    private static void publish(Mqtt5AsyncClient pub, List<SampleFrame> frames, String vehicle, int count, double fps)
            throws InterruptedException {
        Mqtt5AsyncClient c = LiveFixtures.asVehicle(pub, vehicle);
        try {
            LiveFixtures.publishPaced(c, PREFIX + "/461/" + vehicle + "/frames", frames, vehicle, fps, i -> i < count);
        } finally {
            c.disconnect().join();
        }
    }

    private static String loadavg() {
        return LiveFixtures.loadavg();
    }

    /** CPU times at one moment: nanoseconds for this JVM as a whole, clock-tick milliseconds per thread name and per server pid. */
    private record Snapshot(long process, long publisher, long detect, Map<String, Long> threads,
            Map<Long, Long> backends, Map<Long, Long> aux, Map<Long, Long> mosquitto) {

        static Snapshot take(JdbcTemplate jdbc, String db, MeteredDetectors detect) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long publisher = threads.getCurrentThreadCpuTime();
            for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t != null && t.getThreadName().startsWith(PUBLISHER_THREADS)) {
                    publisher += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
                }
            }
            long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            List<Long> backendPids = jdbc.queryForList(
                    "SELECT pid FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", Long.class, db);
            List<Long> auxPids = jdbc.queryForList(
                    "SELECT pid FROM pg_stat_activity WHERE datname IS NULL AND backend_type <> 'client backend'", Long.class);
            return new Snapshot(process, publisher, detect.cpuNanos.get(), nativeThreads(), cpuMs(backendPids), cpuMs(auxPids),
                    cpuMs(pidsNamed("mosquitto")));
        }

        /** CPU ms of the pids present in both snapshots (a process that ended in between is lost; new ones count fully). */
        static double delta(Map<Long, Long> before, Map<Long, Long> after) {
            double sum = 0;
            for (var e : after.entrySet()) {
                sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
            }
            return sum;
        }

        private static Map<Long, Long> cpuMs(List<Long> pids) {
            Map<Long, Long> out = new HashMap<>();
            for (long pid : pids) {
                try {
                    out.put(pid, ticksMs(Files.readString(Path.of("/proc/" + pid + "/stat"))));
                } catch (Exception e) {
                    // the process ended
                }
            }
            return out;
        }

        /**
         * CPU ms of this process's threads by their native name, digits folded: unlike the thread
         * MXBean this sees the garbage collector, the JIT compilers and native library threads.
         */
        private static Map<String, Long> nativeThreads() {
            Map<String, Long> out = new HashMap<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                tasks.forEach(t -> {
                    try {
                        String name = Files.readString(t.resolve("comm")).strip().replaceAll("\\d+", "#");
                        out.merge(name, ticksMs(Files.readString(t.resolve("stat"))), Long::sum);
                    } catch (Exception e) {
                        // the thread ended
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out;
        }

        /** utime + stime of a {@code /proc/.../stat} line (fields 14 and 15, clock ticks of 10 ms). */
        private static long ticksMs(String stat) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        }

        private static List<Long> pidsNamed(String comm) {
            Set<Long> out = new HashSet<>();
            try (var dirs = Files.list(Path.of("/proc"))) {
                dirs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                    try {
                        if (Files.readString(p.resolve("comm")).strip().equals(comm)) {
                            out.add(Long.parseLong(p.getFileName().toString()));
                        }
                    } catch (Exception e) {
                        // the process ended
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return List.copyOf(out);
        }
    }

    /** Makes the service's detectors {@link MeteredDetectors}. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Metered {
        @Bean
        @Primary
        MeteredDetectors meteredDetectors(DjlDetector.DetectorModel model) {
            return new MeteredDetectors(model);
        }
    }

    /** The shipped model's detectors, counting their threads' CPU time inside {@code detect()}. */
    static final class MeteredDetectors implements DetectorFactory {
        final AtomicLong cpuNanos = new AtomicLong();
        private final DjlDetector.DetectorModel model;

        MeteredDetectors(DjlDetector.DetectorModel model) {
            this.model = model;
        }

        @Override
        public Detector newDetector(StageTimes times) {
            Detector d = model.newDetector(times);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return new Detector() {
                @Override
                public List<Detection> detect(Frame frame) {
                    long t0 = threads.getCurrentThreadCpuTime();
                    try {
                        return d.detect(frame);
                    } finally {
                        cpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - t0);
                    }
                }

                @Override
                public void close() {
                    d.close();
                }
            };
        }
    }
}
