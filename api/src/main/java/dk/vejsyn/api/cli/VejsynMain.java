package dk.vejsyn.api.cli;

import dk.vejsyn.inference.cli.BenchCommand;
import dk.vejsyn.inference.cli.ErrorHandler;
import dk.vejsyn.inference.cli.EvaluateCommand;
import dk.vejsyn.inference.cli.Offline;
import dk.vejsyn.inference.cli.RenderDatasetCommand;
import dk.vejsyn.inference.cli.RenderDriveCommand;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vejsyn} command line with the service's commands: everything the inference module
 * offers, {@code detect} with {@code --db}, plus {@code serve} and {@code demo}.
 */
@Command(name = "vejsyn", mixinStandardHelpOptions = true, version = "vejsyn 0.1.0",
        description = "Finds road damage in vehicle camera footage and manages the findings.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, DbDetectCommand.class,
            EvaluateCommand.class, ServeCommand.class, RenderDriveCommand.class, RenderDatasetCommand.class,
            BenchCommand.class})
public final class VejsynMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Offline.enforce();
        quietLibraryLogging();
        System.exit(commandLine().execute(args));
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

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new VejsynMain());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
