package dk.vejsyn.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender over HTTP against a small HTTP server that answers as the service does when it is full
 * (503 with Retry-After), accepts (202), and refuses an invalid item (400): the busy answer is waited
 * out for as long as it says, accepted items leave the outbox, a refused one is removed and counted,
 * and nothing is sent again after its acknowledgement. (The real service's answers are covered by
 * VehicleFrameHttpTest and EdgeObservationHttpTest; the agent against the real service by
 * VehicleAgentTest.)
 */
class OutboxSenderTest {
    @TempDir
    Path dir;

    record Request(long nanos, String path) {}

    @Test
    void waitsOutRetryAfterThenDeliversEachItemOnce() throws Exception {
        List<Request> seen = new CopyOnWriteArrayList<>();
        AtomicInteger busy = new AtomicInteger(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            seen.add(new Request(System.nanoTime(), ex.getRequestURI().getPath() + "?" + q));
            ex.getRequestBody().readAllBytes();
            int status;
            if (busy.getAndDecrement() > 0) {
                ex.getResponseHeaders().add("Retry-After", "2");
                status = 503;
            } else {
                status = q.contains("frame-id=bad") ? 400 : 202;
            }
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        Files.writeString(dir.resolve("video.mp4"), "x");
        Path file = Files.writeString(dir.resolve("vehicle.json"), """
                {"vehicle":"truck-7","municipality":"461","token":"%s","mode":"stream",
                 "service_url":"http://127.0.0.1:%d","camera":{"source":"video.mp4"}}"""
                .formatted(AgentConfigTest.TOKEN, server.getAddress().getPort()));
        AgentConfig config = AgentConfig.load(file);
        try (Outbox outbox = new Outbox(dir.resolve("outbox"), 1 << 20, Duration.ofDays(1), Clock.systemUTC());
                Uplink uplink = new Uplink(config);
                OutboxSender sender = new OutboxSender(outbox, uplink)) {
            outbox.add("frames", "a", Map.of("frame-id", "a"), new byte[] {1});
            outbox.add("frames", "bad", Map.of("frame-id", "bad"), new byte[] {2});
            outbox.add("frames", "c", Map.of("frame-id", "c"), new byte[] {3});
            sender.start();
            assertThat(sender.drain(Duration.ofSeconds(30))).as("outbox emptied").isTrue();
            assertThat(sender.delivered()).isEqualTo(2);
            assertThat(sender.rejected()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
        // Sent together (16 at a time), one was answered 503 Retry-After: 2 and sent again, no sooner.
        assertThat(seen).allMatch(r -> r.path().startsWith("/api/v1/vehicles/truck-7/frames?municipality=461&frame-id="));
        assertThat(seen).as("three items, one of them twice (after the 503), nothing after its answer").hasSize(4);
        Request busyOne = seen.get(0);
        String id = busyOne.path().replaceAll(".*frame-id=([^&]*).*", "$1");
        Request again = seen.stream().filter(r -> r != busyOne && r.path().contains("frame-id=" + id + "&")
                || r != busyOne && r.path().endsWith("frame-id=" + id)).findFirst().orElseThrow();
        assertThat(Duration.ofNanos(again.nanos() - busyOne.nanos())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }
}
