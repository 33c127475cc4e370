package dk.vejsyn.api.fleet;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Fleet health ({@code vejsyn.fleet.*}): the vehicle units' heartbeats. The broker, topic prefix,
 * share group and the service's broker account are the live streams' ({@code vejsyn.live.*}); the
 * heartbeat consumer runs where the frame consumer does ({@code vejsyn.live.enabled} and
 * {@code vejsyn.live.mqtt-enabled}).
 *
 * @param staleAfter a vehicle not heard from for longer than this is listed as {@code stale}
 *     (an agent sends a heartbeat every 30 s or so; a few missed ones are a dead zone, not a fault)
 * @param maxClockSkew how far in the future a heartbeat's {@code time} may lie (the agent's clock is
 *     GPS time; further ahead is a broken clock, and would pin the vehicle's latest report)
 * @param historyRetention how long each heartbeat is kept in the history ({@code vehicle_heartbeat});
 *     the latest report of each vehicle is kept regardless. At least 1 hour
 * @param maxHeartbeatSize largest heartbeat body (a heartbeat is a few hundred bytes of JSON)
 */
@Validated
@ConfigurationProperties("vejsyn.fleet")
public record FleetProperties(
        @DefaultValue("5m") @NotNull Duration staleAfter,
        @DefaultValue("10m") @NotNull Duration maxClockSkew,
        @DefaultValue("7d") @NotNull Duration historyRetention,
        @DefaultValue("16KB") @NotNull DataSize maxHeartbeatSize) {

    public FleetProperties {
        if (staleAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("vejsyn.fleet.stale-after must be at least 1s: " + staleAfter);
        }
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("vejsyn.fleet.max-clock-skew must not be negative: " + maxClockSkew);
        }
        if (historyRetention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("vejsyn.fleet.history-retention must be at least 1h: " + historyRetention);
        }
        if (maxHeartbeatSize.toBytes() < 512 || maxHeartbeatSize.toBytes() > 1024 * 1024) {
            throw new IllegalArgumentException("vejsyn.fleet.max-heartbeat-size must be within 512B..1MB: " + maxHeartbeatSize);
        }
    }
}
