package dk.vejsyn.inference.detect;

import ai.djl.translate.TranslateException;

/**
 * Runs one forward pass so that no untrusted output leaves it: a pass whose output fails
 * {@link OutputGuard} on oneDNN moves the process to libtorch's own kernels and is computed again;
 * a pass during which another thread switched the kernels is computed again; a bad output from
 * libtorch's own kernels is an error, never a result.
 */
final class GuardedPass {
    /** One pass, possibly its recomputation after a switch, and one more if a switch raced it. */
    private static final int MAX_ATTEMPTS = 3;

    @FunctionalInterface
    interface Body<T> {
        T run() throws TranslateException;
    }

    private GuardedPass() {}

    static <T> T run(Object what, Body<T> body) {
        for (int attempt = 1; ; attempt++) {
            long generation = TorchRuntime.generation();
            TorchRuntime.Convolutions kernels = TorchRuntime.active();
            try {
                T result = body.run();
                if (TorchRuntime.generation() == generation) {
                    return result;
                }
                // The kernels changed during the pass because another worker found oneDNN wrong:
                // this output may have come partly from the kernels just found wrong.
            } catch (TranslateException | RuntimeException e) {
                UntrustedOutputException bad = UntrustedOutputException.in(e);
                if (bad == null) {
                    throw new IllegalStateException("detection failed on " + what + ": " + e.getMessage(), e);
                }
                if (kernels == TorchRuntime.Convolutions.ATEN && TorchRuntime.generation() == generation) {
                    throw new IllegalStateException("the model gave an impossible output for " + what + " even with "
                            + "libtorch's own kernels (" + bad.getMessage() + "): refusing to report detections", bad);
                }
                TorchRuntime.failover(bad.getMessage());
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new IllegalStateException("no trustworthy output for " + what + " after " + attempt + " attempts");
            }
            TorchRuntime.countRecomputed();
        }
    }
}
