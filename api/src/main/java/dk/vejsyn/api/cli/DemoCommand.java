package dk.vejsyn.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dk.vejsyn.api.road.RoadFiles;
import dk.vejsyn.api.road.RoadNetworkImport;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn demo}: the main job end to end on the bundled drive. Starts the service, uploads
 * the sample drive (video + noisy GPS track + camera profile) to it exactly as a road department
 * would ({@code POST /api/v1/drives}), waits for the upload job to put its findings into the
 * store of Odense, prints where to look, and keeps serving. So the demo exercises the service's
 * own path (shared model, durable job), not a pipeline of its own.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sample drive → detections → findings in PostGIS → map and API URLs.")
public class DemoCommand implements Callable<Integer> {
    static final String MUNICIPALITY = "461";
    static final String PLANNER_TOKEN = "demo-planner";
    static final String SIM_VEHICLE = "demo-sim-truck";

    /** Revokes the token of that name left by an earlier run and makes a new one; returns the token. */
    private static String demoToken(ApiTokens tokens, String name, Role role, String vehicle) {
        tokens.revoke(name, MUNICIPALITY);
        return tokens.create(new ApiTokens.Request(name, role, MUNICIPALITY, vehicle, null, "demo")).secret();
    }

    @Option(names = "--drive", paramLabel = "DIR", description = "Drive folder with drive.mp4, drive.gpx, camera.json (default: sample-images/odense-drive).")
    Path drive;

    @Option(names = "--port", description = "HTTP port (default: PORT or 8080).")
    Integer port;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = {"Database (default: VEJSYN_JDBC_URL, else database vejsyn on VEJSYN_PG_HOST:VEJSYN_PG_PORT",
                "as VEJSYN_PG_USER; 127.0.0.1:5432, postgres). The MQTT broker: VEJSYN_MQTT_URL, else",
                "tcp://VEJSYN_MQTT_HOST:VEJSYN_MQTT_PORT (127.0.0.1:1884)."})
    String db;

    @Option(names = "--exit", description = "Stop after printing the URLs instead of serving (for scripts and tests).")
    boolean exit;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(System.getProperty("vejsyn.repo.root", "."));
        Path dir = drive != null ? drive : root.resolve("sample-images/odense-drive");
        Path video = dir.resolve("drive.mp4");
        Path track = dir.resolve("drive.gpx");
        if (!Files.isRegularFile(video) || !Files.isRegularFile(track)) {
            throw new InputException("demo drive incomplete: need " + video + " and " + track);
        }
        Path camera = dir.resolve("camera.json");

        System.err.println("starting the service ...");
        ConfigurableApplicationContext ctx = ServiceContext.start(true, true, db, port);
        try {
            String base = ServeCommand.baseUrl(ctx.getEnvironment());
            // The demo's own credentials, made again on every run (the previous run's are revoked):
            // a planner of Odense to upload and look, and the simulated truck's vehicle token.
            ApiTokens tokens = ctx.getBean(ApiTokens.class);
            String planner = demoToken(tokens, PLANNER_TOKEN, Role.PLANNER, null);
            String truck = demoToken(tokens, SIM_VEHICLE, Role.VEHICLE, SIM_VEHICLE);
            System.err.println("uploading " + video + " ...");
            RestClient http = RestClient.builder().baseUrl(base)
                    .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + planner).build();
            JsonNode job = awaitUpload(http, video, track,
                    Files.isRegularFile(camera) ? camera : null, "demo:" + dir.getFileName());
            if (!"succeeded".equals(job.path("state").asText())) {
                System.err.println("vejsyn: the demo's upload job " + job.path("id").asText() + " "
                        + job.path("state").asText() + ": " + job.path("error").asText());
                ctx.close();
                return 1;
            }
            String api = base + "/api/v1/municipalities/" + MUNICIPALITY;
            // The road network around the drive (made by the renderer beside it): after the upload, so
            // the import matches it with the drive just stored. Re-running keeps the segments' ids.
            Path network = dir.resolve("roads.geojson");
            String roadsLine = null;
            if (Files.isRegularFile(network)) {
                RoadNetworkImport.Result r = ctx.getBean(RoadNetworkImport.class).importFile(MUNICIPALITY, network,
                        RoadFiles.Options.DEFAULT, "demo");
                System.err.println("road network " + network + ": " + r.summary());
                roadsLine = "Roads:     " + api + "/road-segments   (condition 1-5 per stretch, null: not inspected; "
                        + "road-segments.csv worst first, road-segments/coverage)";
            }
            System.out.println();
            System.out.println("Map:       " + base + "/");
            System.out.println("Triage:    " + base + "/triage.html   (confirm or dismiss new findings; a planner's token)");
            System.out.println("Upload:    " + base + "/upload.html   (a drive from the browser)");
            System.out.println("Findings:  " + api + "/findings");
            System.out.println("GeoJSON:   " + api + "/findings/export.geojson");
            // Plain ASCII: a terminal in the C locale printed "?" for the en dash of "OGC API – Features".
            System.out.println("OGC API:   " + api + "/ogc   (add in QGIS as an OGC API - Features layer)");
            if (roadsLine != null) {
                System.out.println(roadsLine);
            }
            System.out.println("OpenAPI:   " + base + "/swagger-ui.html");
            System.out.println("Uploads:   POST " + base + "/api/v1/drives   (video + track, or a zip of geotagged JPEGs)");
            System.out.println("Live:      VEJSYN_TOKEN=" + truck + " bin/vejsyn simulate-vehicle --drive " + dir
                    + " --vehicle " + SIM_VEHICLE + " --rate 5 --http " + base);
            System.out.println("Metrics:   " + base + "/actuator/prometheus   (an operator's token: bin/vejsyn token create "
                    + "--role operator --name ops-1)");
            System.out.println("This job:  " + base + "/api/v1/jobs/" + job.path("id").asText());
            System.out.println();
            System.out.println("Every request but health needs a token. This demo's planner token for " + MUNICIPALITY
                    + " (revoked when the demo runs again; bin/vejsyn token revoke " + PLANNER_TOKEN + "):");
            System.out.println("  curl:    curl -H 'Authorization: Bearer " + planner + "' " + api + "/findings");
            System.out.println("  map:     paste it into the map page when it asks");
            System.out.println("  QGIS:    OGC API - Features connection with Basic authentication, any user name, "
                    + "the token as password");
            System.out.println(planner);
            if (exit) {
                return 0;
            }
            System.err.println("serving; Ctrl-C stops it");
            ServiceContext.awaitShutdown();
            return 0;
        } finally {
            if (exit) {
                ctx.close();
            }
        }
    }

    /** How long the demo waits for its upload job: the bundled drive takes well under a minute. */
    private static final Duration JOB_DEADLINE = Duration.ofMinutes(30);

    /** Uploads the drive and polls its job until it ends; prints progress on stderr. */
    private static JsonNode awaitUpload(RestClient http, Path video, Path track, Path camera, String driveRef)
            throws InterruptedException {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("video", new FileSystemResource(video));
        parts.part("track", new FileSystemResource(track));
        if (camera != null) {
            parts.part("camera", new FileSystemResource(camera));
        }
        parts.part("municipality", MUNICIPALITY);
        parts.part("vehicle", "demo-refuse-truck");
        parts.part("driveRef", driveRef);
        JsonNode job = http.post().uri("/api/v1/drives").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(parts.build()).retrieve().body(JsonNode.class);
        String id = job.path("id").asText();
        long deadline = System.nanoTime() + JOB_DEADLINE.toNanos();
        String last = "";
        while (!job.path("state").asText().matches("succeeded|failed")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("upload job " + id + " did not finish within " + JOB_DEADLINE);
            }
            Thread.sleep(1000);
            job = http.get().uri("/api/v1/jobs/{id}", id).retrieve().body(JsonNode.class);
            String now = String.format(Locale.ROOT, "upload job %s: %s, %d of %s frames read", id,
                    job.path("state").asText(), job.path("frames").path("done").asLong(),
                    job.path("frames").path("total").asText("?"));
            if (!now.equals(last)) {
                System.err.println(now);
                last = now;
            }
        }
        System.err.printf(Locale.ROOT, "stored %d observations (%d already known) in municipality %s: %d new findings, "
                        + "%d updated%n%s%n", job.path("observations").asInt(), job.path("duplicatesSkipped").asInt(),
                MUNICIPALITY, job.path("findingsCreated").asInt(), job.path("findingsUpdated").asInt(),
                job.path("runtime").asText());
        return job;
    }
}
