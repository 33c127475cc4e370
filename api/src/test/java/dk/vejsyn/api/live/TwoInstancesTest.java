package dk.vejsyn.api.live;

import static dk.vejsyn.api.live.LiveFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.VejsynApplication;
import dk.vejsyn.api.live.LiveFixtures.SampleFrame;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two service instances (two Spring contexts on random ports, one database, one broker, one
 * share group) split a vehicle's stream: each processes part of it, together every frame exactly
 * once. A frame accepted by an instance that then vanished is taken over when its lease runs out.
 */
class TwoInstancesTest {
    static final String PREFIX = LiveFixtures.PREFIX;
    static final String GROUP = LiveFixtures.uniqueId("two");
    static final int FRAMES = Integer.getInteger("frames", 16);

    ConfigurableApplicationContext a;
    ConfigurableApplicationContext b;

    private static ConfigurableApplicationContext start(String name) {
        return new SpringApplicationBuilder(VejsynApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + PostgisIntegrationTest.JDBC_URL,
                "--spring.main.banner-mode=off",
                "--vejsyn.live.enabled=true",
                "--vejsyn.live.broker-url=" + LiveFixtures.MQTT_URL,
                "--vejsyn.live.topic-prefix=" + PREFIX,
                "--vejsyn.live.share-group=" + GROUP,
                "--vejsyn.live.client-id=" + LiveFixtures.uniqueId(name),
                "--vejsyn.live.session-expiry=60s",
                "--vejsyn.detection.workers=1",
                "--vejsyn.live.queue-capacity=2",
                "--vejsyn.live.recovery-interval=1s");
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void twoInstancesSplitAStreamWithNothingLostAndNothingDoubled() throws Exception {
        a = start("instance-a");
        b = start("instance-b");
        JdbcTemplate jdbc = a.getBean(JdbcTemplate.class);
        await(Duration.ofSeconds(30), "both instances subscribed",
                () -> a.getBean(MqttFrameConsumer.class).isSubscribed() && b.getBean(MqttFrameConsumer.class).isSubscribed());
        String vehicle = LiveFixtures.uniqueId("sweeper");

        List<SampleFrame> frames = LiveFixtures.sampleDrive().subList(0, FRAMES);
        // A frame accepted by an instance that died before processing it: its lease has run out.
        SampleFrame orphan = LiveFixtures.sampleDrive().get(FRAMES);
        jdbc.update("""
                INSERT INTO live_frame (municipality_code, vehicle, frame_id, transport, drive_ref, lat, lon, heading,
                    captured_at, jpeg, owner, lease_until)
                VALUES ('461', ?, 'orphan', 'mqtt', ?, ?, ?, ?, ?, ?, 'crashed-instance', now() - interval '1 minute')""",
                vehicle, LiveInbox.driveRef(vehicle, frames.get(0).tag().time()), orphan.tag().lat(), orphan.tag().lon(),
                orphan.tag().headingDeg(), Timestamp.from(orphan.tag().time()), orphan.jpeg());

        Mqtt5BlockingClient vehicleClient = LiveFixtures.vehicleClient(LiveFixtures.uniqueId("vehicle"), "461", vehicle);
        try {
            for (SampleFrame f : frames) {
                LiveFixtures.publish(vehicleClient, PREFIX + "/461/" + vehicle + "/frames", f.jpeg(), f.fields());
            }
        } finally {
            vehicleClient.disconnect();
        }
        await(Duration.ofMinutes(4), "every frame processed", () -> jdbc.queryForObject(
                "SELECT count(*) FROM live_frame WHERE vehicle = ? AND state = 'done'", Integer.class, vehicle) == FRAMES + 1);

        LiveMetrics ma = a.getBean(LiveIngest.class).metrics();
        LiveMetrics mb = b.getBean(LiveIngest.class).metrics();
        assertThat(ma.processedCount()).as("instance a processed part of the stream").isPositive();
        assertThat(mb.processedCount()).as("instance b processed part of the stream").isPositive();
        assertThat(ma.processedCount() + mb.processedCount()).isEqualTo(FRAMES + 1);
        assertThat(received(a) + received(b)).as("each message reached one instance").isEqualTo(FRAMES);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT processed_by) FROM live_frame WHERE vehicle = ?",
                Integer.class, vehicle)).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle))
                .isEqualTo(FRAMES + 1);
        // Every observation once: no natural key twice.
        assertThat(jdbc.queryForObject("""
                SELECT count(*) - count(DISTINCT (source, frame_index, damage_type, box_x1, box_y1, box_x2, box_y2))
                FROM observation WHERE source LIKE ?""", Integer.class, "live/" + vehicle + "/%")).isZero();
        assertThat(jdbc.queryForObject("SELECT sum(observations) FROM live_frame WHERE vehicle = ?", Integer.class, vehicle))
                .isEqualTo(jdbc.queryForObject("SELECT count(*) FROM observation WHERE source LIKE ?", Integer.class,
                        "live/" + vehicle + "/%"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM drive WHERE vehicle = ?", Integer.class, vehicle)).isEqualTo(1);
    }

    private static double received(ConfigurableApplicationContext c) {
        return c.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("vejsyn.live.frames.received")
                .counters().stream().mapToDouble(x -> x.count()).sum();
    }
}
