package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.InputException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns the exceptions that mean "your input is wrong" into one clear line and exit code 2;
 * anything else is a bug and keeps its stack trace (exit code 1).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof InputException
                || ex instanceof IllegalArgumentException
                || ex instanceof UncheckedIOException) {
            cl.getErr().println("vejsyn: " + ex.getMessage());
            return VejsynCli.EXIT_BAD_INPUT;
        }
        cl.getErr().println("vejsyn: internal error: " + ex);
        ex.printStackTrace(cl.getErr());
        return 1;
    }
}
