package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.ModelSpec;
import dk.vejsyn.inference.detect.TorchRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn check-runtime}: loads the model the way every command does, which decides from
 * this start's evidence which convolution kernels the process may trust (README, "Platform
 * notes"), and says what it chose and why. Nothing is remembered: every start decides again.
 */
@Command(name = "check-runtime", mixinStandardHelpOptions = true,
        description = {"Checks which of this machine's PyTorch kernels give the model's trusted output, and says "
                + "which a run would use.",
            "Exit 0: a trustworthy runtime was found (the line says which); exit 3: none (no detections possible)."})
public class CheckRuntimeCommand implements Callable<Integer> {
    /** Exit code when even libtorch's own kernels give impossible or varying outputs. */
    public static final int EXIT_UNTRUSTWORTHY = 3;

    @Option(names = "--model", paramLabel = "JSON", description = "Model metadata (default models/pothole-detector.json).")
    Path model;

    @Override
    public Integer call() {
        ModelSpec spec = ModelSpec.load(model != null ? model : ModelSpec.defaultMetadataFile());
        long t0 = System.nanoTime();
        try (DjlDetector.DetectorModel loaded = DjlDetector.DetectorModel.load(spec)) {
            System.out.printf(java.util.Locale.ROOT, "runtime ok: %s %s, loaded and checked in %d ms; %s%n", spec.name(),
                    spec.version(), (System.nanoTime() - t0) / 1_000_000, TorchRuntime.status().summary());
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("runtime not trustworthy: " + e.getMessage());
            return EXIT_UNTRUSTWORTHY;
        }
    }
}
