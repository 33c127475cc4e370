package dk.vejsyn.api.fleet;

import dk.vejsyn.api.fleet.HeartbeatRejectedException.Reason;
import dk.vejsyn.api.live.FrameFields;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.api.municipality.Municipality;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;

/**
 * Takes a vehicle's heartbeat, from either transport: checks it ({@link HeartbeatParser}), stores it
 * ({@link FleetStore}) and counts it. Meters: {@code vejsyn.fleet.heartbeats.received}
 * [{@code vejsyn_fleet_heartbeats_received_total}] by {@code transport}, and
 * {@code vejsyn.fleet.heartbeats.rejected} by {@code transport} and {@code reason}.
 */
public class Heartbeats {
    private final FleetStore store;
    private final Municipalities municipalities;
    private final FleetProperties props;
    private final MeterRegistry registry;
    private final Clock clock;

    public Heartbeats(FleetStore store, Municipalities municipalities, FleetProperties props, MeterRegistry registry,
            Clock clock) {
        this.store = store;
        this.municipalities = municipalities;
        this.props = props;
        this.registry = registry;
        this.clock = clock;
    }

    public FleetProperties properties() {
        return props;
    }

    /**
     * Checks and stores one heartbeat of {@code vehicle} in {@code municipality}.
     *
     * @return whether it was new (false: a repeat of one already stored)
     * @throws HeartbeatRejectedException when it cannot be used (counted as rejected)
     */
    public boolean accept(String municipality, String vehicle, byte[] body, String transport) {
        Counter.builder("vejsyn.fleet.heartbeats.received").description("Heartbeats received from vehicle units")
                .tag("transport", transport).register(registry).increment();
        try {
            if (municipality == null || !municipality.matches("[0-9]{3}")) {
                throw new HeartbeatRejectedException(Reason.INVALID_ID, "municipality must be a three-digit code: "
                        + HeartbeatParser.abbreviate(String.valueOf(municipality)));
            }
            if (!FrameFields.isValidVehicle(vehicle)) {
                throw new HeartbeatRejectedException(Reason.INVALID_ID, "invalid vehicle id: "
                        + HeartbeatParser.abbreviate(String.valueOf(vehicle)));
            }
            if (body != null && body.length > props.maxHeartbeatSize().toBytes()) {
                throw new HeartbeatRejectedException(Reason.TOO_LARGE, "heartbeat of " + body.length + " bytes exceeds "
                        + props.maxHeartbeatSize());
            }
            Instant now = clock.instant();
            Heartbeat h = HeartbeatParser.parse(body, now, props.maxClockSkew());
            Municipality m = municipalities.find(municipality).orElseThrow(() -> new HeartbeatRejectedException(
                    Reason.UNKNOWN_MUNICIPALITY, "no municipality " + municipality));
            return store.record(m.id(), vehicle, h, transport, now);
        } catch (HeartbeatRejectedException e) {
            rejected(transport, e.reason());
            throw e;
        }
    }

    /** Counts a heartbeat refused before or outside {@link #accept}. */
    public void rejected(String transport, Reason reason) {
        Counter.builder("vejsyn.fleet.heartbeats.rejected").description("Heartbeats refused, by reason")
                .tag("transport", transport).tag("reason", reason.slug()).register(registry).increment();
    }

    Clock clock() {
        return clock;
    }
}
