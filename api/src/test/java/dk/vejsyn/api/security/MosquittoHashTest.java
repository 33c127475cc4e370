package dk.vejsyn.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code $7$} hashes agree with Mosquitto's own tool, {@code mosquitto_passwd} (installed with
 * the broker by {@code bin/services}): its hash verifies here, and ours has its form. That the
 * broker itself accepts ours is {@code BrokerAuthTest}'s.
 */
class MosquittoHashTest {
    static final String TOKEN = "vjs_abcdefghijklmnop_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    @Test
    void aHashOfMosquittoPasswdVerifiesAndAWrongPasswordDoesNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("passwd");
        Files.createFile(file);
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", file.toString(), "someone", TOKEN)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        String hash = Files.readString(file).strip().substring("someone:".length());
        assertThat(hash).startsWith("$7$");

        assertThat(MosquittoHash.matches(TOKEN, hash)).isTrue();
        assertThat(MosquittoHash.matches(TOKEN + "x", hash)).isFalse();
        assertThat(MosquittoHash.matches(TOKEN, hash.replace("$7$", "$6$"))).isFalse();
    }

    @Test
    void ourHashHasMosquittosFormAndASaltOfItsOwn() {
        String a = MosquittoHash.hash(TOKEN);
        String b = MosquittoHash.hash(TOKEN);
        // $7$<iterations>$<12 bytes of salt, base64>$<64 bytes, base64>, as mosquitto_passwd writes.
        assertThat(a).matches("\\$7\\$101\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}==");
        assertThat(a).isNotEqualTo(b);
        assertThat(MosquittoHash.matches(TOKEN, a)).isTrue();
        assertThat(MosquittoHash.matches(TOKEN, b)).isTrue();
        assertThat(MosquittoHash.matches("other", a)).isFalse();
        assertThat(MosquittoHash.matches(TOKEN, "garbage")).isFalse();
        assertThat(MosquittoHash.matches(TOKEN, null)).isFalse();
    }
}
