package dk.vejsyn.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dk.vejsyn.api.upload.ResumableUploadClient;
import dk.vejsyn.inference.InputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.util.unit.DataSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vejsyn upload DRIVE --server URL --token T}: uploads a recorded drive resumably (what a
 * vehicle without a live link, or the depot PC, runs after the drive).
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"Uploads a recorded drive to the service as a job, resumably: in ranges, going on from the",
            "server's offset after a dropped connection (with back-off; 503/429 Retry-After respected), and after a",
            "restart of this command for the same files. Exit 0: uploaded (with --wait: the job succeeded);",
            "1: the server refused or the job failed; 2: bad input."})
public class UploadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DRIVE", description = {"A drive folder (one video, its GPX/NMEA/CSV track named like it",
        "or the only one, optional camera.json), or a zip of geotagged JPEGs."})
    Path drive;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The service, e.g. http://localhost:8080.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:VEJSYN_TOKEN}",
            description = "A vehicle's or planner's token (default: VEJSYN_TOKEN).")
    String token;

    @Option(names = "--municipality", description = "Municipality code (default: the token's).")
    String municipality;

    @Option(names = "--vehicle", description = "Vehicle id (a vehicle token: its own).")
    String vehicle;

    @Option(names = "--drive-ref", paramLabel = "REF", description = "The drive's reference; the same again adds nothing twice.")
    String driveRef;

    @Option(names = "--chunk-size", defaultValue = "16MB", paramLabel = "SIZE",
            description = "Bytes per request (default ${DEFAULT-VALUE}); the server keeps what arrived even of a cut request.")
    String chunkSize;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the session of an unfinished upload is remembered (default ~/.local/state/vejsyn/uploads).")
    Path stateDir;

    @Option(names = "--max-failures", defaultValue = "30",
            description = "Give up after this many failures in a row without progress (default ${DEFAULT-VALUE}).")
    int maxFailures;

    @Option(names = "--wait", description = "Wait for the job to end and print its result.")
    boolean await;

    @Override
    public Integer call() throws Exception {
        if (token == null || token.isBlank()) {
            throw new InputException("upload needs a token: --token TOKEN or VEJSYN_TOKEN");
        }
        if (!server.matches("https?://[^/\\s]+(/.*)?")) {
            throw new InputException("--server must be an http(s) URL: " + server);
        }
        long chunk;
        try {
            chunk = DataSize.parse(chunkSize).toBytes();
        } catch (IllegalArgumentException e) {
            throw new InputException("--chunk-size is not a size (e.g. 16MB): " + chunkSize);
        }
        if (chunk < 1024) {
            throw new InputException("--chunk-size must be at least 1KB: " + chunkSize);
        }
        Path state = stateDir != null ? stateDir
                : Path.of(System.getProperty("user.home"), ".local", "state", "vejsyn", "uploads");
        Map<String, Path> parts = new LinkedHashMap<>(ResumableUploadClient.partsOf(drive));
        ResumableUploadClient client = new ResumableUploadClient(new ResumableUploadClient.Options(server, token.strip(),
                municipality, vehicle, driveRef, chunk, state, Duration.ofSeconds(1), Duration.ofSeconds(60), maxFailures),
                System.err::println);
        try {
            ResumableUploadClient.Result r = client.upload(parts);
            System.out.println(r.job());
            if (await) {
                JsonNode job = client.awaitJob(r.job(), Duration.ofHours(24));
                System.out.println(job.toString());
                return job.path("state").asText().equals("succeeded") ? 0 : 1;
            }
            return 0;
        } catch (ResumableUploadClient.UploadFailedException e) {
            System.err.println("vejsyn: upload failed: " + e.getMessage());
            return 1;
        }
    }
}
