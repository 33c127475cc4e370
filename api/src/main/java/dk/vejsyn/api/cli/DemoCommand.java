package dk.vejsyn.api.cli;

import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.ingest.FindingStoreSink;
import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.FrameSources;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.pipeline.BatchPipeline;
import dk.vejsyn.inference.pipeline.PipelineSettings;
import dk.vejsyn.inference.pipeline.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn demo}: the main job end to end on the bundled drive. Starts the service, runs
 * the sample drive (video + noisy GPS track) through the detector into the findings store of
 * Odense, prints where to look, and keeps serving.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sample drive → detections → findings in PostGIS → map and API URLs.")
public class DemoCommand implements Callable<Integer> {
    static final String MUNICIPALITY = "461";

    @Option(names = "--drive", paramLabel = "DIR", description = "Drive folder with drive.mp4, drive.gpx, camera.json (default: sample-images/odense-drive).")
    Path drive;

    @Option(names = "--port", description = "HTTP port (default: PORT or 8080).")
    Integer port;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = {"Database (default: VEJSYN_JDBC_URL, else database vejsyn on VEJSYN_PG_HOST:VEJSYN_PG_PORT",
                "as VEJSYN_PG_USER; 127.0.0.1:5432, postgres). The MQTT broker: VEJSYN_MQTT_URL, else",
                "tcp://VEJSYN_MQTT_HOST:VEJSYN_MQTT_PORT (127.0.0.1:1883)."})
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
        CameraModel camera = Files.isRegularFile(dir.resolve("camera.json"))
                ? CameraModel.fromJson(dir.resolve("camera.json")) : CameraModel.refuseTruckDashcam();

        System.err.println("starting the service ...");
        ConfigurableApplicationContext ctx = ServiceContext.start(true, true, db, port);
        try {
            FindingStoreSink sink = new FindingStoreSink(ctx.getBean(FindingStore.class), MUNICIPALITY,
                    "demo:" + dir.getFileName(), "demo-refuse-truck", camera);
            RunReport report;
            System.err.println("detecting potholes in " + video + " ...");
            try (FrameSource source = FrameSources.video(video, track, SourceOptions.defaults());
                    DjlDetector.DetectorModel model = DjlDetector.DetectorModel.load(ModelSpec.load(ModelSpec.defaultMetadataFile()))) {
                report = new BatchPipeline(model, new ObservationLocator(camera, ObservationLocator.DEFAULT_MAX_RANGE_M),
                        PipelineSettings.defaults()).run(source, sink, n -> { });
            }
            System.err.print(report.summary());
            System.err.println(sink.summary());
            String base = ServeCommand.baseUrl(ctx.getEnvironment());
            String api = base + "/api/v1/municipalities/" + MUNICIPALITY;
            System.out.println();
            System.out.println("Map:       " + base + "/?municipality=" + MUNICIPALITY);
            System.out.println("Findings:  " + api + "/findings");
            System.out.println("GeoJSON:   " + api + "/findings/export.geojson");
            System.out.println("OGC API:   " + api + "/ogc   (add in QGIS as an OGC API – Features layer)");
            System.out.println("OpenAPI:   " + base + "/swagger-ui.html");
            System.out.println("Uploads:   POST " + base + "/api/v1/drives   (video + track, or a zip of geotagged JPEGs)");
            System.out.println("Live:      bin/vejsyn simulate-vehicle --drive " + dir + " --rate 5 --http " + base);
            System.out.println("Metrics:   " + base + "/actuator/prometheus");
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
}
