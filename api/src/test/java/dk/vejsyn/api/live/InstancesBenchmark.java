package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Live frames/s of one service process against two (not part of {@code verify}): each setup
 * ({@code serve} processes on one database and broker, one share group) gets a warm-up of 10
 * frames, then a burst of {@code bench.instances.frames} (120) frames of the sample drive over
 * MQTT, offered faster than it can process them; frames/s is the burst's frames over the time from
 * the first frame received to the last one stored (inbox times). Uses its own database:
 *
 * <pre>
 *   bin/services --fresh vejsyn_bench_live
 *   mvn -pl api -am verify -Dvejsyn.excluded.groups= -Dgroups=bench -Dvejsyn.test.convolutions=auto \
 *       -Dtest=InstancesBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Writes its figures to {@code api/target/bench-instances.md}.
 */
@Tag("bench")
class InstancesBenchmark {
    static final int FRAMES = Integer.getInteger("bench.instances.frames", 120);

    final JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(LiveStreamBenchmark.URL));
    final StringBuilder report = new StringBuilder();

    @Test
    void oneInstanceAgainstTwo() throws Exception {
        line("Started %s; load average %s; %d cores; CPU %s", Instant.now(), LiveFixtures.loadavg(),
                Runtime.getRuntime().availableProcessors(), cpuModel());
        line("| setup | frames | seconds | frames/s | frames per instance | convolutions per instance |");
        line("|---|---|---|---|---|---|");
        for (int round = 1; round <= 2; round++) {
            run("1 instance × 2 workers (round " + round + ")", 1, 2);
            run("2 instances × 1 worker (round " + round + ")", 2, 1);
            run("2 instances × 2 workers (round " + round + ")", 2, 2);
        }
        Files.writeString(Path.of("target/bench-instances.md"), report);
    }

    private void run(String setup, int instances, int workers) throws Exception {
        String group = LiveFixtures.uniqueId("bench");
        // A share group per setup: a stopped instance's MQTT session stays in the share group's
        // round robin until it expires (Mosquitto 2.0.11), and would take a share of the next setup's frames.
        String prefix = LiveFixtures.PREFIX;
        List<ServiceProcess> services = new ArrayList<>();
        Mqtt5AsyncClient pub = null;
        try {
            for (int i = 0; i < instances; i++) {
                Map<String, String> s = new HashMap<>();
                s.put("vejsyn.live.topic-prefix", prefix);
                s.put("vejsyn.live.share-group", group);
                s.put("vejsyn.live.client-id", group + "-" + i);
                s.put("vejsyn.live.session-expiry", "30s");
                s.put("vejsyn.detection.workers", String.valueOf(workers));
                s.put("logging.level.root", "warn");
                s.put("logging.level.dk.vejsyn.api.live.MqttFrameConsumer", "info");
                s.put("jobrunr.background-job-server.enabled", "false");
                services.add(ServiceProcess.start("bench-instance-" + i, LiveStreamBenchmark.URL, s));
            }
            for (ServiceProcess s : services) {
                s.awaitServing(Duration.ofMinutes(3));
                await(Duration.ofMinutes(1), s.name + " consuming MQTT", () -> s.output().contains("consuming live frames"));
            }
            String warm = group + "-warm";
            pub = LiveFixtures.vehicleClient(LiveFixtures.uniqueId("bench-warm"), "461", warm).toAsync();
            LiveFixtures.publishPaced(pub, prefix + "/461/" + warm + "/frames", LiveFixtures.sampleDrive(), "w", 5,
                    i -> i < 10);
            pub.disconnect().join();
            await(Duration.ofMinutes(3), "warm-up done", () -> done(warm) == 10);
            String vehicle = group + "-burst";
            pub = LiveFixtures.vehicleClient(LiveFixtures.uniqueId("bench-vehicle"), "461", vehicle).toAsync();
            LiveFixtures.publishPaced(pub, prefix + "/461/" + vehicle + "/frames", LiveFixtures.sampleDrive(), "b", 1000,
                    i -> i < FRAMES);
            await(Duration.ofMinutes(10), "burst done", () -> done(vehicle) == FRAMES);
            double seconds = jdbc.queryForObject("""
                    SELECT extract(epoch FROM max(processed_at) - min(received_at)) FROM live_frame WHERE vehicle = ?""",
                    Double.class, vehicle);
            List<Integer> per = jdbc.queryForList("""
                    SELECT count(*)::int FROM live_frame WHERE vehicle = ? GROUP BY split_part(processed_by, '-', 3)
                    ORDER BY 1 DESC""", Integer.class, vehicle);
            List<String> kernels = new ArrayList<>();
            for (ServiceProcess s : services) {
                kernels.add(s.metric("vejsyn_runtime_convolutions", "kernels=\"oneDNN\"") == 1 ? "oneDNN" : "ATen");
            }
            line("| %s | %d | %.1f | **%.2f** | %s | %s |", setup, FRAMES, seconds, FRAMES / seconds, per, kernels);
        } finally {
            if (pub != null) {
                pub.disconnect();
            }
            ServiceProcess.closeAll(services.toArray(ServiceProcess[]::new));
        }
    }

    private int done(String vehicle) {
        return jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class,
                vehicle);
    }

    private static String cpuModel() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
    }

    private void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println(s);
        report.append(s).append('\n');
    }
}
