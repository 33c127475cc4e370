package dk.vejsyn.api.cli;

import dk.vejsyn.api.config.ConnectionSettings;
import dk.vejsyn.api.live.VehicleSimulator;
import dk.vejsyn.inference.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vejsyn simulate-vehicle}: replays a drive's geotagged JPEGs as a vehicle unit streams them. */
@Command(name = "simulate-vehicle", mixinStandardHelpOptions = true,
        description = {"Replays a drive's geotagged JPEGs as a vehicle unit would: at a fixed frame rate, with frame ids,",
            "over MQTT 5 (QoS 1) or HTTP (sending again after 503 Retry-After)."})
public class SimulateVehicleCommand implements Callable<Integer> {

    @Option(names = "--drive", required = true, paramLabel = "DIR",
            description = "Folder (or zip) of geotagged JPEGs, or a drive folder with an images/ folder (e.g. sample-images/odense-drive).")
    Path drive;

    @Option(names = "--rate", defaultValue = "5", description = "Frames per second (default ${DEFAULT-VALUE}).")
    double rate;

    static final class Target {
        @Option(names = "--mqtt", arity = "0..1", fallbackValue = "", paramLabel = "BROKER_URL",
                description = {"MQTT broker, e.g. tcp://127.0.0.1:1884 (without a URL: VEJSYN_MQTT_URL, else",
                    "tcp://VEJSYN_MQTT_HOST:VEJSYN_MQTT_PORT, the service's; 127.0.0.1:1884)."})
        String mqtt;

        @Option(names = "--http", paramLabel = "BASE_URL", description = "Service base URL, e.g. http://localhost:8080.")
        String http;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--vehicle", defaultValue = "sim-truck-1", description = "Vehicle id (default ${DEFAULT-VALUE}).")
    String vehicle;

    @Option(names = "--municipality", defaultValue = "461", description = "Municipality code (default ${DEFAULT-VALUE}, Odense).")
    String municipality;

    @Option(names = "--topic-prefix", defaultValue = "vejsyn/v1", description = "MQTT topic prefix (default ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--frame-prefix", defaultValue = "", paramLabel = "PREFIX",
            description = "Put before every frame id (the file name); a new prefix makes the frames new to the service.")
    String framePrefix;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:VEJSYN_TOKEN}",
            description = {"The vehicle's token (bin/vejsyn token create --role vehicle ...; default: VEJSYN_TOKEN).",
                "Required over HTTP, and over MQTT with the broker bin/services runs: it signs in with user name",
                "the token's id (the 16 characters after vjs_) and the token as password."})
    String token;

    @Option(names = "--limit", defaultValue = "0", description = "Send at most this many frames (0: all).")
    int limit;

    @Option(names = "--recorded-times", description = "Send the images' own capture times instead of re-timing "
            + "the drive to start now (the service refuses frames older than its inbox retention, 30 days).")
    boolean recordedTimes;

    @Override
    public Integer call() throws Exception {
        if (!(rate > 0) || rate > 1000) {
            throw new InputException("--rate must be in (0, 1000] frames per second: " + rate);
        }
        Path images = Files.isDirectory(drive.resolve("images")) ? drive.resolve("images") : drive;
        if (!Files.exists(images)) {
            throw new InputException(drive + ": no such folder or zip");
        }
        if (target.http != null && (token == null || token.isBlank())) {
            throw new InputException("--http needs the vehicle's token: --token TOKEN or VEJSYN_TOKEN "
                    + "(bin/vejsyn token create --municipality " + municipality + " --role vehicle --name " + vehicle + ")");
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        String broker = target.mqtt == null ? null : target.mqtt.isEmpty()
                ? ConnectionSettings.fromSystemEnvironment().mqttUrl() : ConnectionSettings.checkMqttUrl(target.mqtt, "--mqtt");
        long t0 = System.nanoTime();
        try (VehicleSimulator sim = broker != null
                ? VehicleSimulator.mqtt(broker, topicPrefix, municipality, vehicle, framePrefix, token, System.err::println)
                : VehicleSimulator.http(target.http, municipality, vehicle, framePrefix, token, System.err::println)) {
            System.err.printf("vehicle %s (municipality %s) sending %s at %.1f frames/s to %s%n", vehicle, municipality,
                    images, rate, broker != null ? ConnectionSettings.redact(broker) : target.http);
            VehicleSimulator.Stats stats = sim.replay(images, rate, limit, recordedTimes);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s in %.1f s (%.2f frames/s)%n", stats, s, stats.sent.get() / s);
            return stats.failed.get() > 0 ? 1 : 0;
        }
    }
}
