package dk.vejsyn.inference.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.detect.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-runtime}: says which kernels a start trusts and why (exit 0; the build runs the
 * tests with libtorch's own kernels, {@code vejsyn.runtime.convolutions=aten}), and is bad input
 * (exit 2) when there is no model to check. The automatic choice is TorchRuntimeTest's subject.
 */
class CheckRuntimeCommandTest {

    @Test
    void theShippedModelRunsOnTheBuildsKernels() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = VejsynCli.run("check-runtime", "--model", ModelSpec.defaultMetadataFile().toString());
        } finally {
            System.setOut(old);
        }
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("runtime ok")
                .contains("runtime: ATen convolutions (configured: vejsyn.runtime.convolutions=aten)");
    }

    @Test
    void aMissingModelIsBadInputNotAVerdict(@TempDir Path dir) {
        assertThat(VejsynCli.run("check-runtime", "--model", dir.resolve("none.json").toString()))
                .isEqualTo(VejsynCli.EXIT_BAD_INPUT);
    }
}
