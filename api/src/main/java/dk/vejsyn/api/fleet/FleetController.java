package dk.vejsyn.api.fleet;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.municipality.Municipalities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The fleet: every vehicle unit with when it was last heard from, where it was, its agent's version
 * and mode, its outbox backlog and last error, and {@code stale} when it has not reported for
 * {@code vejsyn.fleet.stale-after}. {@code GET /api/v1/municipalities/{code}/vehicles} for a
 * municipality's admins, {@code GET /api/v1/vehicles} for the operator (all municipalities),
 * {@code GET /api/v1/municipalities/{code}/vehicles/{vehicle}/heartbeats} a vehicle's history.
 */
@RestController
class FleetController {
    private final FleetStore store;
    private final Municipalities municipalities;
    private final FleetProperties props;
    private final Clock clock;

    FleetController(FleetStore store, Municipalities municipalities, Heartbeats heartbeats) {
        this.store = store;
        this.municipalities = municipalities;
        this.props = heartbeats.properties();
        this.clock = heartbeats.clock();
    }

    @GetMapping("/api/v1/vehicles")
    Map<String, Object> all() {
        return fleet(store.list(null));
    }

    @GetMapping("/api/v1/municipalities/{code}/vehicles")
    Map<String, Object> ofMunicipality(@PathVariable String code) {
        municipalities.require(code);
        return fleet(store.list(code));
    }

    @GetMapping("/api/v1/municipalities/{code}/vehicles/{vehicle}/heartbeats")
    Map<String, Object> history(@PathVariable String code, @PathVariable String vehicle,
            @RequestParam(defaultValue = "100") int limit) {
        municipalities.require(code);
        if (limit < 1 || limit > 1000) {
            throw ApiException.invalidParameter("limit must be within 1..1000: " + limit);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("municipality", code);
        body.put("vehicle", vehicle);
        body.put("historyRetention", props.historyRetention().toString());
        body.put("heartbeats", store.history(code, vehicle, limit).stream().map(s -> view(s, null)).toList());
        return body;
    }

    private Map<String, Object> fleet(List<FleetStore.VehicleStatus> vehicles) {
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("time", now.toString());
        body.put("staleAfterSeconds", props.staleAfter().toSeconds());
        body.put("vehicles", vehicles.stream().map(s -> view(s, now)).toList());
        return body;
    }

    /** One vehicle (or one heartbeat of the history, {@code now} null: no staleness). */
    private Map<String, Object> view(FleetStore.VehicleStatus s, Instant now) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("municipality", s.municipality());
        v.put("vehicle", s.vehicle());
        if (now != null) {
            v.put("lastSeen", s.lastSeen() == null ? null : s.lastSeen().toString());
            v.put("stale", s.lastSeen() == null || Duration.between(s.lastSeen(), now).compareTo(props.staleAfter()) > 0);
        } else {
            v.put("receivedAt", s.lastSeen().toString());
        }
        v.put("sentAt", s.sentAt() == null ? null : s.sentAt().toString());
        v.put("position", s.lat() == null ? null : Map.of("lat", s.lat(), "lon", s.lon()));
        v.put("agentVersion", s.agentVersion());
        v.put("mode", s.mode());
        Map<String, Object> outbox = new LinkedHashMap<>();
        outbox.put("items", s.outboxItems());
        outbox.put("bytes", s.outboxBytes());
        outbox.put("dropped", s.droppedItems());
        v.put("outbox", outbox);
        v.put("lastError", s.lastError());
        v.put("transport", s.transport());
        return v;
    }
}
