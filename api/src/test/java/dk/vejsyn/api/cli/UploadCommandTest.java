package dk.vejsyn.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vejsyn upload}'s answers without a service: bad input is one line and exit 2; a server
 * that cannot be reached is exit 1 after the configured failures, naming the way to resume.
 * (Uploads against a service, cut and resumed: {@code ResumableUploadTest}.)
 */
class UploadCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        CommandLine cl = VejsynMain.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void badInputIsExit2WithOneLine() throws Exception {
        StringWriter err = new StringWriter();
        assertThat(run(err, "upload", dir.toString(), "--server", "http://127.0.0.1:9", "--token", "vjs_x")).isEqualTo(2);
        assertThat(err.toString()).contains("expected one video");
        Files.writeString(dir.resolve("a.mp4"), "x");
        Files.writeString(dir.resolve("a.gpx"), "x");
        err = new StringWriter();
        assertThat(run(err, "upload", dir.toString(), "--server", "ftp://host", "--token", "vjs_x")).isEqualTo(2);
        assertThat(err.toString()).contains("--server must be an http(s) URL");
        err = new StringWriter();
        assertThat(run(err, "upload", dir.toString(), "--server", "http://127.0.0.1:9", "--token", "vjs_x", "--chunk-size", "lots"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--chunk-size");
    }

    @Test
    void anUnreachableServerIsExit1AfterTheAllowedFailures() throws Exception {
        Path zip = dir.resolve("photos.zip");
        Files.write(zip, new byte[] {'P', 'K', 5, 6});
        StringWriter err = new StringWriter();
        // Port 9 (discard) is closed on loopback: every connection is refused at once.
        int exit = run(err, "upload", zip.toString(), "--server", "http://127.0.0.1:9", "--token", "vjs_x",
                "--max-failures", "0", "--state-dir", dir.resolve("state").toString());
        assertThat(exit).isEqualTo(1);
    }
}
