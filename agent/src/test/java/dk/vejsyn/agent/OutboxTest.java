package dk.vejsyn.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    @TempDir
    Path dir;

    static final byte[] KB = new byte[1000];

    @Test
    void keepsItemsAcrossARestartInOrderAndEachIdOnce() {
        try (Outbox o = new Outbox(dir, 1 << 20, Duration.ofDays(7), Clock.systemUTC())) {
            assertThat(o.add("frames", "a", Map.of("frame-id", "a"), KB)).isTrue();
            assertThat(o.add("frames", "b", Map.of("frame-id", "b"), KB)).isTrue();
            assertThat(o.add("frames", "a", Map.of("frame-id", "a"), KB)).as("an id already waiting").isFalse();
            o.remove(o.oldest(1).get(0).seq());
        }
        // Reopened as after a power cut: what was not acknowledged is still there, nothing else.
        try (Outbox o = new Outbox(dir, 1 << 20, Duration.ofDays(7), Clock.systemUTC())) {
            assertThat(o.oldest(10)).extracting(Outbox.Item::id).containsExactly("b");
            assertThat(o.oldest(10).get(0).fields()).containsEntry("frame-id", "b");
            assertThat(o.stats().items()).isEqualTo(1);
        }
    }

    @Test
    void overItsBudgetItDropsTheOldestFirstAndCountsThem() {
        long budget = 5 * 1100;
        try (Outbox o = new Outbox(dir, budget, Duration.ofDays(7), Clock.systemUTC())) {
            for (int i = 0; i < 12; i++) {
                o.add("frames", "f" + i, Map.of("frame-id", "f" + i), KB);
            }
            Outbox.Stats s = o.stats();
            assertThat(s.bytes()).isLessThanOrEqualTo(budget);
            assertThat(s.items() + s.dropped()).isEqualTo(12);
            assertThat(s.dropped()).isPositive();
            assertThat(o.oldest(20)).extracting(Outbox.Item::id).last().isEqualTo("f11");
            assertThat(o.oldest(20)).extracting(Outbox.Item::id).doesNotContain("f0", "f1");
        }
        try (Outbox o = new Outbox(dir, budget, Duration.ofDays(7), Clock.systemUTC())) {
            assertThat(o.stats().dropped()).as("the count survives a restart").isEqualTo(12 - o.stats().items());
        }
    }

    @Test
    void itemsOlderThanTheAgeLimitAreDroppedAndCounted() {
        Instant t = Instant.parse("2026-12-06T10:00:00Z");
        try (Outbox o = new Outbox(dir, 1 << 20, Duration.ofHours(1), Clock.fixed(t, ZoneOffset.UTC))) {
            o.add("frames", "old", Map.of(), KB);
        }
        try (Outbox o = new Outbox(dir, 1 << 20, Duration.ofHours(1), Clock.fixed(t.plusSeconds(7200), ZoneOffset.UTC))) {
            o.add("frames", "new", Map.of(), KB);
            assertThat(o.oldest(10)).extracting(Outbox.Item::id).containsExactly("new");
            assertThat(o.stats().dropped()).isEqualTo(1);
        }
    }
}
