package dk.vejsyn.api.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dk.vejsyn.inference.cli.VejsynCli;
import dk.vejsyn.inference.detect.TorchRuntime;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The {@code vejsyn} command line with the service's commands: the inference module's command
 * line, with {@code detect} that can also write to the store ({@code --db}), plus {@code serve}
 * {@code demo}, {@code simulate-vehicle}, {@code upload}, {@code token} and {@code roads}.
 */
public final class VejsynMain {
    private VejsynMain() {}

    public static void main(String[] args) {
        TorchRuntime.configureProcess();
        quietLibraryLogging();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = VejsynCli.newCommandLine(new StoreOutput())
                .addSubcommand(new ServeCommand())
                .addSubcommand(new DemoCommand())
                .addSubcommand(new SimulateVehicleCommand())
                .addSubcommand(new UploadCommand())
                .addSubcommand(new TokenCommand())
                .addSubcommand(new RoadsCommand());
        // The vehicle agent is a program of its own (module agent/), which bin/vejsyn starts.
        cl.getCommandSpec().usageMessage().footer("", "On a vehicle: bin/vejsyn agent --config vehicle.json "
                + "(the on-board agent; README, \"On the vehicle\").");
        return cl;

    }

    /**
     * Without Spring, Logback logs everything at DEBUG; the CLI prints its own progress and
     * summary. Spring re-initialises logging when {@code serve} or {@code demo} starts it.
     */
    private static void quietLibraryLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            ctx.getLogger("ai.djl").setLevel(Level.ERROR);
        }
    }
}
