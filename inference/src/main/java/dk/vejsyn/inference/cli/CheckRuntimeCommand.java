package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.detect.ModelSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn check-runtime}: loads the model the way every command does, which runs its
 * repeatability check, and says whether this machine's PyTorch kernels can be trusted with the
 * oneDNN instruction-set cap in force ({@code ONEDNN_MAX_CPU_ISA}). {@code bin/vejsyn} uses it
 * once per CPU to decide whether the fast AVX kernels may be used; see README, "Platform notes".
 */
@Command(name = "check-runtime", mixinStandardHelpOptions = true,
        description = {"Checks that the model gives the same, finite output for the same input on this machine.",
            "Exit 0: trustworthy; exit 3: not (start with ONEDNN_MAX_CPU_ISA=SSE41)."})
public class CheckRuntimeCommand implements Callable<Integer> {
    /** Exit code when the runtime gives varying or non-finite outputs. */
    public static final int EXIT_UNTRUSTWORTHY = 3;

    @Option(names = "--model", paramLabel = "JSON", description = "Model metadata (default models/pothole-detector.json).")
    Path model;

    @Override
    public Integer call() {
        ModelSpec spec = ModelSpec.load(model != null ? model : ModelSpec.defaultMetadataFile());
        String isa = System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "ALL (not capped)");
        try (DjlDetector.DetectorModel loaded = DjlDetector.DetectorModel.load(spec)) {
            System.out.println("runtime ok: " + spec.name() + " " + spec.version()
                    + " gives identical, finite outputs; oneDNN ISA cap " + isa);
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("runtime not trustworthy with oneDNN ISA cap " + isa + ": " + e.getMessage());
            return EXIT_UNTRUSTWORTHY;
        }
    }
}
