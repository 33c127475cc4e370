package dk.vejsyn.api.cli;

import dk.vejsyn.api.road.RoadFiles;
import dk.vejsyn.api.road.RoadNetworkImport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vejsyn roads import FILE --municipality 461}: replaces a municipality's road network with
 * the roads of a GeoJSON or GeoPackage file, on the service's database (an administrator's task,
 * so on the command line, not over HTTP). A bad file is one line naming the file and the feature,
 * exit code 2, and no change.
 */
@Command(name = "roads", mixinStandardHelpOptions = true, description = "The road network: import.",
        subcommands = {RoadsCommand.Import.class})
public class RoadsCommand {

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Replaces the municipality's road network with FILE (GeoJSON or GeoPackage; EPSG:4326, "
                + "EPSG:25832 or any EPSG CRS PostGIS knows).",
                "Segments with unchanged geometry keep their id, coverage and history; the rest are retired."})
    static class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A .geojson/.json or .gpkg file of LineStrings / MultiLineStrings.")
        Path file;

        @Option(names = "--municipality", required = true, paramLabel = "CODE", description = "Three-digit code, e.g. 461.")
        String municipality;

        @Option(names = "--name-field", paramLabel = "FIELD",
                description = "Property with the road's name (default: the first of road_name, name, vejnavn, navn, vejnavn_tekst, street).")
        String nameField;

        @Option(names = "--layer", paramLabel = "TABLE", description = "GeoPackage feature table (default: the only one).")
        String layer;

        @Option(names = "--crs", paramLabel = "EPSG:N",
                description = "The coordinates' CRS when the file does not declare it, or declares it wrongly (e.g. EPSG:25832).")
        String crs;

        @Option(names = "--db", paramLabel = "JDBC_URL",
                description = {"Database (default: VEJSYN_JDBC_URL, else database vejsyn on VEJSYN_PG_HOST:VEJSYN_PG_PORT",
                    "as VEJSYN_PG_USER; 127.0.0.1:5432, postgres)."})
        String db;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = ServiceContext.start(false, true, db, null)) {
                RoadNetworkImport.Result r = ctx.getBean(RoadNetworkImport.class).importFile(municipality, file,
                        new RoadFiles.Options(nameField, layer, crs), "cli:" + System.getProperty("user.name", "unknown"));
                System.out.println("municipality " + r.municipality() + ": " + r.summary());
                return 0;
            }
        }
    }
}
