package dk.vejsyn.inference.detect;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The few process-wide switches of libtorch (and of the C library under it) that DJL does not
 * expose, reached through JNA on the library DJL has already loaded.
 *
 * <p>Why not environment variables: they must be set before the process starts, which neither the
 * fat jar nor a service started by an IDE can guarantee, and they cannot be changed later. These
 * switches take effect at once, which is what lets {@link TorchRuntime} move a running process
 * from oneDNN's convolutions to libtorch's own when oneDNN gives a wrong result.
 *
 * <p>The entry points are C++ member functions of {@code at::Context} ({@code at::globalContext()}
 * returns it); with the Itanium C++ ABI used on Linux a member function is a plain function whose
 * first argument is {@code this}. They are exported by {@code libtorch_cpu.so}; {@link #bind()}
 * fails with a clear message if a future libtorch drops them.
 */
final class LibTorch {
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_MKLDNN = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String GET_MKLDNN = "_ZNK2at7Context17userEnabledMkldnnEv";
    private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
    /** glibc's {@code mallopt} parameters (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc's largest mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX). */
    private static final int MMAP_THRESHOLD_MAX = 32 * 1024 * 1024;

    private final Pointer context;
    private final Function setMkldnn;
    private final Function getMkldnn;
    private final Function setNnpack;

    private LibTorch(NativeLibrary torch) {
        this.context = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        this.setMkldnn = torch.getFunction(SET_MKLDNN);
        this.getMkldnn = torch.getFunction(GET_MKLDNN);
        this.setNnpack = torch.getFunction(SET_NNPACK);
    }

    /**
     * Binds to the libtorch DJL loaded (starting DJL's PyTorch engine if needed). The library is
     * found among the process's mapped files rather than through DJL's engine classes, which
     * this module keeps off its compile path (engine-neutral at compile time).
     */
    static LibTorch bind() {
        ai.djl.engine.Engine.getEngine("PyTorch");
        Path lib = null;
        try {
            try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
                lib = lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                        .filter(f -> f.endsWith("/libtorch_cpu.so"))
                        .map(Path::of)
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("libtorch_cpu.so is not loaded"));
            }
            return new LibTorch(NativeLibrary.getInstance(lib.toString()));
        } catch (java.io.IOException | UnsatisfiedLinkError | RuntimeException e) {
            throw new IllegalStateException("cannot reach libtorch's runtime switches (" + lib + "): " + e.getMessage()
                    + "; this build of Vejsyn expects libtorch 2.7.x on Linux", e);
        }
    }

    /** Whether convolutions may use oneDNN (libtorch's {@code torch.backends.mkldnn.enabled}). */
    void useOneDnn(boolean on) {
        setMkldnn.invokeVoid(new Object[] {context, on ? 1 : 0});
        if (oneDnnEnabled() != on) {
            throw new IllegalStateException("libtorch did not take the oneDNN switch (" + on + ")");
        }
    }

    boolean oneDnnEnabled() {
        return (getMkldnn.invokeInt(new Object[] {context}) & 0xff) != 0;
    }

    /**
     * Turns NNPACK off. It cannot run on CPUs whose cache sizes it cannot read (virtual machines
     * that hide them), and libtorch then tries again and prints "Could not initialize NNPACK!
     * Unsupported hardware" at every convolution of the first passes; libtorch never picks it
     * for these layer sizes on x86 anyway.
     */
    void disableNnpack() {
        setNnpack.invokeVoid(new Object[] {context, 0});
    }

    /**
     * Keeps freed blocks of up to 32 MiB in the C heap instead of returning them to the kernel.
     * libtorch's own convolutions allocate a fresh im2col buffer of several to tens of megabytes
     * per layer and pass; with glibc's defaults each one is a new mmap whose pages the kernel must
     * fault in and zero again, which cost a third of the CPU time of a forward pass on the 2-core
     * VMs (docs/BENCHMARKS.md). Process-wide; the heap then stays at its working-set size.
     *
     * @return whether glibc accepted both settings (false on other C libraries: no harm done)
     */
    static boolean keepLargeBlocksInHeap() {
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            int a = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX});
            int b = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, Integer.MAX_VALUE});
            return a == 1 && b == 1;
        } catch (UnsatisfiedLinkError | RuntimeException notGlibc) {
            return false;
        }
    }
}
