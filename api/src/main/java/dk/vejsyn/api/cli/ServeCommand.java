package dk.vejsyn.api.cli;

import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vejsyn serve}: the maintenance API and map, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Starts the maintenance API, OGC API – Features, vector tiles and the map page.")
public class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port (default: PORT or 8080).")
    Integer port;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = {"Database (default: VEJSYN_JDBC_URL, else database vejsyn on VEJSYN_PG_HOST:VEJSYN_PG_PORT",
                "as VEJSYN_PG_USER; 127.0.0.1:5432, postgres). The MQTT broker: VEJSYN_MQTT_URL, else",
                "tcp://VEJSYN_MQTT_HOST:VEJSYN_MQTT_PORT (127.0.0.1:1884)."})
    String db;

    @Override
    public Integer call() throws Exception {
        ConfigurableApplicationContext ctx = ServiceContext.start(true, false, db, port);
        System.err.println("Vejsyn is serving on " + baseUrl(ctx.getEnvironment()) + "/  (Ctrl-C stops it)");
        ServiceContext.awaitShutdown();
        return 0;
    }

    static String baseUrl(Environment env) {
        String p = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        return "http://localhost:" + p;
    }
}
