package dk.vejsyn.inference.detect;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which convolution kernels this process runs the model with, why, and how often a wrong result
 * was caught. One per process, because libtorch's switch is process-wide.
 *
 * <p>Why it exists: on an AVX-512 AMD EPYC virtual machine (CPU family 26, no cache topology
 * exposed), libtorch 2.7.1's oneDNN 3.7.1 convolutions with AVX, AVX2 or AVX-512 kernels gave a
 * wrong output for <em>every</em> pass (up to 128 pixels off in box coordinates, sometimes NaN),
 * while libtorch's own kernels (ATen: im2col + MKL GEMM) and oneDNN capped at SSE4.1 agreed to
 * 2e-4. Repeating a pass cannot see such a fault (the wrong output is mostly the same every
 * time); comparing two independent implementations can. On an Intel Xeon with AVX-512 oneDNN was
 * exact and about twice as fast. So:
 *
 * <ul>
 *   <li>{@link Convolutions#ATEN} is the trusted runtime. Every model load computes its check
 *       outputs with it.
 *   <li>{@link Convolutions#ONEDNN} is used only where, at this start, it reproduced those
 *       outputs on fresh threads ({@link RuntimeCheck}); nothing of that is remembered across
 *       starts.
 *   <li>Every pass is checked ({@link OutputGuard}) and detectors re-check oneDNN against the
 *       trusted output now and then; a bad output makes the whole process {@link #failover fail
 *       over} to ATen for the rest of its life, the pass is computed again, and it is counted.
 * </ul>
 *
 * <p>Setting {@code vejsyn.runtime.convolutions} (system property) or {@code VEJSYN_CONVOLUTIONS}
 * (environment): {@code auto} (default), {@code aten} (never oneDNN), {@code onednn} (refuse to
 * start unless oneDNN passes the check).
 */
public final class TorchRuntime {
    private static final Logger log = LoggerFactory.getLogger(TorchRuntime.class);

    /** The two convolution implementations inside libtorch. */
    public enum Convolutions {
        /** oneDNN's JIT kernels: fast where they are right. */
        ONEDNN("oneDNN"),
        /** libtorch's own kernels (im2col + GEMM): the trusted reference. */
        ATEN("ATen");

        private final String label;

        Convolutions(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What the operator asked for. */
    public enum Policy {
        AUTO, ATEN, ONEDNN;

        /** From {@code vejsyn.runtime.convolutions} or {@code VEJSYN_CONVOLUTIONS}; default AUTO. */
        public static Policy fromSettings() {
            String v = System.getProperty("vejsyn.runtime.convolutions", System.getenv("VEJSYN_CONVOLUTIONS"));
            if (v == null || v.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(v.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("vejsyn.runtime.convolutions / VEJSYN_CONVOLUTIONS must be auto, aten "
                        + "or onednn, not '" + v + "'");
            }
        }
    }

    /**
     * A snapshot for run summaries, job results and metrics.
     *
     * @param convolutions the kernels in use now
     * @param reason why (the start-up check's finding, or the failover's cause)
     * @param failovers times a bad output moved the process from oneDNN to ATen (0 or 1)
     * @param recomputedPasses forward passes computed again because their first result was not trusted
     * @param checks comparisons against the trusted output made since the start (start-up and periodic)
     */
    public record Status(Convolutions convolutions, String reason, long failovers, long recomputedPasses, long checks) {
        /** One line, e.g. {@code runtime: ATen convolutions (oneDNN differed ...); 0 failovers, 0 passes recomputed}. */
        public String summary() {
            return String.format(Locale.ROOT, "runtime: %s convolutions (%s); %d failover(s), %d pass(es) recomputed, %d check(s)",
                    convolutions.label(), reason, failovers, recomputedPasses, checks);
        }
    }

    /**
     * PyTorch intra-op threads per predictor. On the 2-core target, two predictors with one
     * thread each gave about a third more frames per second than one predictor with two threads
     * (a single small forward pass does not keep two threads busy; docs/BENCHMARKS.md), so every
     * entry point runs one predictor per core with one thread each.
     */
    public static final int THREADS_PER_PREDICTOR = 1;

    /**
     * Process set-up for DJL, the same for every entry point (command line, service, fat jar):
     * never reach for the network, and one PyTorch thread per predictor unless set otherwise.
     * Must run before any DJL class loads: DJL reads these in static initialisers (engine
     * discovery probes a cloud metadata address and may try to download natives otherwise).
     */
    public static void configureProcess() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(THREADS_PER_PREDICTOR));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    private static final Object LOCK = new Object();
    private static LibTorch lib;
    /** Sets libtorch's switch; tests replace it ({@link #simulateKernelsForTests}). */
    private static java.util.function.Consumer<Boolean> kernelSwitch;
    private static volatile Convolutions active = Convolutions.ATEN;
    private static volatile String reason = "not decided yet";
    /** Once true, oneDNN is never used again in this process. */
    private static volatile boolean oneDnnRefused;
    /** True once a start-up check in this process found oneDNN exact (and not refused since). */
    private static volatile boolean oneDnnVerified;
    private static final AtomicLong generation = new AtomicLong();
    private static final AtomicLong failovers = new AtomicLong();
    private static final AtomicLong recomputed = new AtomicLong();
    private static final AtomicLong checks = new AtomicLong();

    private TorchRuntime() {}

    /** Binds the switches once, turns NNPACK off and keeps large blocks in the C heap. */
    static void prepare() {
        synchronized (LOCK) {
            if (lib == null) {
                LibTorch bound = LibTorch.bind();
                bound.disableNnpack();
                if (!Boolean.parseBoolean(System.getProperty("vejsyn.runtime.keep-heap", "true"))) {
                    log.info("vejsyn.runtime.keep-heap=false: glibc's default heap behaviour");
                } else if (!LibTorch.keepLargeBlocksInHeap()) {
                    log.info("mallopt not available: large tensor buffers go back to the kernel after each pass (slower)");
                }
                lib = bound;
                kernelSwitch = bound::useOneDnn;
                use(Convolutions.ATEN);
            }
        }
    }

    /** The kernels in use now. */
    public static Convolutions active() {
        return active;
    }

    /** Whether oneDNN may still be chosen in this process. */
    static boolean oneDnnAllowed() {
        return !oneDnnRefused;
    }

    /**
     * Changes with every switch of kernels. A pass that saw another value at its start than at
     * its end may have run partly on kernels found wrong meanwhile, and is computed again.
     */
    static long generation() {
        return generation.get();
    }

    /** Switches the kernels (start-up check only: it holds {@link #checkLock()}). */
    static void use(Convolutions c) {
        synchronized (LOCK) {
            if (c == Convolutions.ONEDNN && oneDnnRefused) {
                throw new IllegalStateException("oneDNN was found wrong earlier in this process: " + reason);
            }
            kernelSwitch.accept(c == Convolutions.ONEDNN);
            active = c;
            generation.incrementAndGet();
        }
    }

    /** The start-up check's verdict. */
    static void decided(Convolutions c, String why) {
        synchronized (LOCK) {
            use(c);
            reason = why;
            if (c == Convolutions.ONEDNN) {
                oneDnnVerified = true;
            } else if (!why.startsWith("configured")) {
                oneDnnRefused = true;
            }
        }
    }

    /**
     * A bad output was produced with oneDNN: the process uses ATen from now on. Logged once with
     * the reason; later calls (other workers that saw the same fault) only count.
     */
    static void failover(String why) {
        synchronized (LOCK) {
            if (active == Convolutions.ATEN) {
                return;
            }
            use(Convolutions.ATEN);
            oneDnnRefused = true;
            reason = "switched from oneDNN after a bad output: " + why;
            failovers.incrementAndGet();
            log.warn("the model gave an untrustworthy output with oneDNN's convolutions ({}); this process uses "
                    + "libtorch's own kernels from now on, and the pass was computed again", why);
        }
    }

    static void countRecomputed() {
        recomputed.incrementAndGet();
    }

    static void countCheck() {
        checks.incrementAndGet();
    }

    /** Serialises start-up checks of several models loaded at once. */
    static Object checkLock() {
        return LOCK;
    }

    /**
     * Runs {@code work} with the given kernels and restores the ones in use, for benchmarks that
     * compare kernels side by side in one process. Only kernels this start has trusted can be
     * chosen: libtorch's own, or oneDNN if the start-up check accepted it. Nothing else may run
     * meanwhile (the switch is process-wide).
     *
     * @throws IllegalStateException for oneDNN when this start did not trust it
     */
    public static <T> T with(Convolutions kernels, java.util.concurrent.Callable<T> work) throws Exception {
        synchronized (LOCK) {
            if (kernels == Convolutions.ONEDNN && (oneDnnRefused || !oneDnnVerified)) {
                throw new IllegalStateException("oneDNN is not trusted in this process: " + reason);
            }
            Convolutions before = active;
            use(kernels);
            try {
                return work.call();
            } finally {
                use(before);
            }
        }
    }

    /**
     * Tests only: from now on "oneDNN" is a label while libtorch keeps computing with its own
     * kernels, so tests can inject faults into the "oneDNN" passes ({@link OutputFaults}) and
     * compare with an exact run on any machine. Clears every decision and counter.
     */
    static void simulateKernelsForTests() {
        synchronized (LOCK) {
            prepare();
            LibTorch real = lib;
            real.useOneDnn(false);
            kernelSwitch = on -> real.useOneDnn(false);
            clearForTests();
        }
    }

    /** Tests only: the real switch again, and no decision or count from earlier tests. */
    static void resetForTests() {
        synchronized (LOCK) {
            prepare();
            kernelSwitch = lib::useOneDnn;
            lib.useOneDnn(false);
            clearForTests();
        }
    }

    private static void clearForTests() {
        active = Convolutions.ATEN;
        reason = "not decided yet";
        oneDnnRefused = false;
        oneDnnVerified = false;
        generation.incrementAndGet();
        failovers.set(0);
        recomputed.set(0);
        checks.set(0);
    }

    public static Status status() {
        return new Status(active, reason, failovers.get(), recomputed.get(), checks.get());
    }
}
