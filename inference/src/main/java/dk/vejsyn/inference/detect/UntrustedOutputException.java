package dk.vejsyn.inference.detect;

/** A forward pass gave an output that breaks the model's contract; it never becomes a detection. */
final class UntrustedOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UntrustedOutputException(String problem) {
        super(problem);
    }

    /** The exception itself or the first of its causes of this type, else null. */
    static UntrustedOutputException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UntrustedOutputException u) {
                return u;
            }
        }
        return null;
    }
}
