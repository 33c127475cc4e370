package dk.vejsyn.api.cli;

import dk.vejsyn.api.VejsynApplication;
import dk.vejsyn.api.config.ConnectionReport;
import dk.vejsyn.api.config.ConnectionSettings;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the Spring application for CLI commands: with or without the web server. */
final class ServiceContext {
    private ServiceContext() {}

    /**
     * @param web whether to start the HTTP server; the service (with HTTP) also runs upload jobs
     * @param quiet whether to keep Spring's start-up logging out of a CLI command's output (the
     *     database and broker in use are printed on stderr then; otherwise they are logged)
     * @param jdbcUrl the database ({@code --db}); null: {@code VEJSYN_JDBC_URL}, else
     *     {@code VEJSYN_PG_HOST/PORT/USER} ({@link ConnectionSettings})
     */
    static ConfigurableApplicationContext start(boolean web, boolean quiet, String jdbcUrl, Integer port) {
        // Malformed connection settings are bad input: one line (exit 2) before Spring starts, not
        // Spring's failure report. Spring itself takes them from the same variables (ConnectionEnvironment).
        ConnectionSettings settings = ConnectionSettings.fromSystemEnvironment();
        settings.jdbcUrl();
        settings.mqttUrl();
        // Passed as command-line arguments: they must win over application.yml and the environment.
        List<String> args = new ArrayList<>();
        if (jdbcUrl != null) {
            args.add("--spring.datasource.url=" + ConnectionSettings.checkJdbcUrl(jdbcUrl, "--db"));
        }
        if (port != null) {
            args.add("--server.port=" + port);
        }
        if (!web) {
            // One-shot commands (detect --db) must not consume live frames.
            args.add("--vejsyn.live.enabled=false");
        }
        // Upload jobs run in the service only: a one-shot CLI command (detect --db) must not pick
        // up queued jobs, nor leave them half-done when it exits.
        args.add("--" + VejsynApplication.JOB_SERVER_PROPERTY + "=" + web);
        if (quiet) {
            // The database and broker in use, as plain lines beside the command's own progress.
            args.add("--" + ConnectionReport.MODE_PROPERTY + "=stderr");
            args.add("--spring.main.banner-mode=off");
            args.add("--logging.level.root=warn");
            args.add("--logging.level.ai.djl=error");
            args.add("--logging.level.org.springdoc=error");
        }
        return new SpringApplicationBuilder(VejsynApplication.class)
                .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C); Spring's shutdown hook closes the context. */
    static void awaitShutdown() throws InterruptedException {
        Thread.currentThread().join();
    }
}
