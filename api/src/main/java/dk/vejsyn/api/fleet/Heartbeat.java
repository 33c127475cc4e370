package dk.vejsyn.api.fleet;

import java.time.Instant;

/**
 * One heartbeat of a vehicle unit, as the agent sends it (JSON, snake_case): when it was sent (the
 * agent's GPS time), where the vehicle was (null: no fix), the agent's version and mode, its outbox
 * backlog (items, bytes, items dropped at the disk budget) and its last error. The counters are
 * null when the agent did not send them.
 */
public record Heartbeat(Instant time, Double lat, Double lon, String agentVersion, String mode, Long outboxItems,
        Long outboxBytes, Long droppedItems, String lastError) {

    /** Whether the heartbeat carries a position. */
    public boolean hasPosition() {
        return lat != null;
    }
}
