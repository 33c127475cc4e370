package dk.vejsyn.inference;

/**
 * Bad user input: a file, a line or frame in it, an option. The message names which, so the CLI
 * can print it as is and the service can return it in a problem body.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
