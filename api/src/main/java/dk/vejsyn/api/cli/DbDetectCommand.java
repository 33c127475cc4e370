package dk.vejsyn.api.cli;

import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.ingest.FindingStoreSink;
import dk.vejsyn.inference.cli.DetectCommand;
import dk.vejsyn.inference.pipeline.ObservationSink;
import dk.vejsyn.inference.pipeline.RunReport;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vejsyn detect … --db}: the batch CLI writing into the findings store as well. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Finds road damage in drive footage and writes located detections.",
            "Input: a video with its GPS track, or a folder/zip of geotagged JPEGs.",
            "With --db, observations are merged into findings in PostGIS."})
public class DbDetectCommand extends DetectCommand {

    @Option(names = "--db", arity = "0..1", paramLabel = "JDBC_URL", fallbackValue = "",
            description = {"Write findings to PostGIS (default URL: VEJSYN_JDBC_URL, else database vejsyn on",
                "VEJSYN_PG_HOST:VEJSYN_PG_PORT as VEJSYN_PG_USER; 127.0.0.1:5432, postgres)."})
    String db;

    @Option(names = "--municipality", defaultValue = "461", paramLabel = "CODE",
            description = "Municipality code the drive belongs to (default ${DEFAULT-VALUE}, Odense).")
    String municipality;

    @Option(names = "--vehicle", defaultValue = "unknown", description = "Vehicle id or name.")
    String vehicle;

    @Option(names = "--drive-ref", paramLabel = "REF",
            description = "Stable id of this drive (default: the video or image folder name); re-running with it adds nothing twice.")
    String driveRef;

    private ConfigurableApplicationContext context;
    private FindingStoreSink storeSink;

    @Override
    public Integer call() {
        try {
            return super.call();
        } finally {
            if (context != null) {
                context.close();
            }
        }
    }

    @Override
    protected boolean writesElsewhere() {
        return db != null;
    }

    @Override
    protected List<ObservationSink> extraSinks() {
        if (db == null) {
            return List.of();
        }
        context = ServiceContext.start(false, true, db.isEmpty() ? null : db, null);
        storeSink = new FindingStoreSink(context.getBean(FindingStore.class), municipality,
                driveRef != null ? driveRef : inputPath().toAbsolutePath().normalize().toString(), vehicle,
                cameraModel());
        return List.of(storeSink);
    }

    @Override
    protected void afterRun(RunReport report) {
        if (storeSink != null) {
            System.err.println(storeSink.summary());
        }
    }
}
