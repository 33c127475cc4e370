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
 * {@code check-runtime}, which {@code bin/vejsyn} runs once per CPU to decide whether oneDNN's
 * wide kernels may be used: exit 0 for a runtime that repeats itself (the build runs the tests
 * with the SSE4.1 cap, which is exact everywhere seen so far), 2 when the check cannot run at all
 * (then the launcher decides nothing and stays capped).
 */
class CheckRuntimeCommandTest {

    @Test
    void theShippedModelPassesUnderTheBuildsCap() {
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
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("runtime ok").contains("SSE41");
    }

    @Test
    void aMissingModelIsBadInputNotAVerdict(@TempDir Path dir) {
        assertThat(VejsynCli.run("check-runtime", "--model", dir.resolve("none.json").toString()))
                .isEqualTo(VejsynCli.EXIT_BAD_INPUT);
    }
}
