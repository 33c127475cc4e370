package dk.vejsyn.inference.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code vejsyn} command line for everything that needs no service:
 * detection, evaluation, rendering demo footage, benchmarks. The service module adds
 * {@code serve} and friends on top of these subcommands.
 */
@Command(
        name = "vejsyn",
        mixinStandardHelpOptions = true,
        version = "vejsyn 0.1.0",
        description = "Finds road damage in vehicle camera footage and manages the findings.")
public final class VejsynCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Exit code for bad input (files, options): the message says what and where. */
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        dk.vejsyn.inference.detect.TorchRuntime.configureProcess();
        return newCommandLine().execute(args);
    }

    /** The command line of this module: {@code detect} writes files only. */
    public static CommandLine newCommandLine() {
        return newCommandLine(DetectOutput.NONE);
    }

    /**
     * The command line with {@code detect} also writing to {@code output} (the service module
     * passes the findings store, whose options such as {@code --db} join the {@code detect}
     * command), and this module's other subcommands; the service module adds {@code serve} and
     * {@code demo} to it.
     */
    public static CommandLine newCommandLine(DetectOutput output) {
        CommandLine cl = new CommandLine(new VejsynCli())
                .addSubcommand(new CommandLine.HelpCommand())
                .addSubcommand(new DetectCommand(output))
                .addSubcommand(new EvaluateCommand())
                .addSubcommand(new RenderDriveCommand())
                .addSubcommand(new RenderDatasetCommand())
                .addSubcommand(new BenchCommand())
                .addSubcommand(new CheckRuntimeCommand());
        if (output != DetectOutput.NONE) {
            cl.getSubcommands().get("detect").addMixin("output", output);
        }
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
