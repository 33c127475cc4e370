package dk.vejsyn.api.cli;

import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.ingest.FindingStoreSink;
import dk.vejsyn.inference.cli.DetectOutput;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.pipeline.ObservationSink;
import dk.vejsyn.inference.pipeline.RunReport;
import java.nio.file.Path;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn detect … --db}: the findings store as a further output of the batch CLI. Its
 * options join the {@code detect} command (a picocli mixin); it starts the service's Spring
 * context without a web server only when {@code --db} is given, and closes it after the run.
 */
public final class StoreOutput implements DetectOutput {

    @Option(names = "--db", arity = "0..1", paramLabel = "JDBC_URL", fallbackValue = "",
            description = {"Also merge the observations into findings in PostGIS (default URL: VEJSYN_JDBC_URL, else",
                "database vejsyn on VEJSYN_PG_HOST:VEJSYN_PG_PORT as VEJSYN_PG_USER; 127.0.0.1:5432, postgres)."})
    String db;

    @Option(names = "--municipality", defaultValue = "461", paramLabel = "CODE",
            description = "With --db: municipality code the drive belongs to (default ${DEFAULT-VALUE}, Odense).")
    String municipality;

    @Option(names = "--vehicle", defaultValue = "unknown", description = "With --db: vehicle id or name.")
    String vehicle;

    @Option(names = "--drive-ref", paramLabel = "REF",
            description = "With --db: stable id of this drive (default: the video or image folder name); re-running with it adds nothing twice.")
    String driveRef;

    private ConfigurableApplicationContext context;
    private FindingStoreSink sink;

    @Override
    public boolean requested() {
        return db != null;
    }

    @Override
    public ObservationSink open(Path input, CameraModel camera) {
        context = ServiceContext.start(false, true, db.isEmpty() ? null : db, null);
        sink = new FindingStoreSink(context.getBean(FindingStore.class), municipality,
                driveRef != null ? driveRef : input.toAbsolutePath().normalize().toString(), vehicle, camera);
        return sink;
    }

    @Override
    public void finished(RunReport report) {
        if (sink != null) {
            System.err.println(sink.summary());
        }
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
