package dk.vejsyn.agent;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.TorchRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn agent --config vehicle.json}: the on-board agent of a vehicle unit (see
 * {@link VehicleAgent}). A bad configuration gives one line naming the file and field, exit code 2.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, version = "vejsyn agent " + VehicleAgent.VERSION,
        description = "Runs on the vehicle: camera + GPS → distance sampling → stream frames or detect on board → "
                + "durable outbox → MQTT/HTTP to the service.")
public final class AgentMain implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "JSON", description = "The vehicle's configuration file.")
    Path config;

    @Option(names = "--check", description = "Only validate the configuration and exit.")
    boolean check;

    public static void main(String[] args) {
        // slf4j-simple: time stamps and the agent's own progress; libraries quiet.
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.dk.vejsyn.agent", System.getProperty("vejsyn.agent.log", "info"));
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new AgentMain()).setExecutionExceptionHandler((e, cl, parsed) -> {
            if (e instanceof InputException || e instanceof IllegalStateException) {
                cl.getErr().println("vejsyn agent: " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig c = AgentConfig.load(config);
        if (check) {
            System.out.println("configuration OK: " + c);
            return 0;
        }
        if (c.mode() == AgentConfig.Mode.EDGE) {
            TorchRuntime.configureProcess();
        }
        try (VehicleAgent agent = new VehicleAgent(c)) {
            agent.run();
        }
        return 0;
    }
}
