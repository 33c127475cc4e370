package dk.vejsyn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    static final String TOKEN = "vjs_abcdefghijklmnop_" + "A".repeat(43);

    Path write(String json) throws Exception {
        Files.writeString(dir.resolve("video.mp4"), "x");
        return Files.writeString(dir.resolve("vehicle.json"), json);
    }

    @Test
    void aMinimalFileGetsTheDocumentedDefaults() throws Exception {
        AgentConfig c = AgentConfig.load(write("""
                {"vehicle":"truck-7","municipality":"461","token":"%s","mode":"edge",
                 "mqtt_url":"tcp://broker:1884","camera":{"source":"video.mp4"}}""".formatted(TOKEN)));
        assertThat(c.mode()).isEqualTo(AgentConfig.Mode.EDGE);
        assertThat(c.topic("observations")).isEqualTo("vejsyn/v1/461/truck-7/observations");
        assertThat(c.sampling().distanceM()).isEqualTo(4.0);
        assertThat(c.gps().gpsd()).isEqualTo("127.0.0.1:2947");
        assertThat(c.camera().source()).isEqualTo(dir.resolve("video.mp4").toString());
        assertThat(c.outbox().dir()).isEqualTo(dir.resolve("outbox").toString());
        assertThat(c.outboxMaxBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(c.heartbeatSeconds()).isEqualTo(30);
        assertThat(c.toString()).doesNotContain(TOKEN);
    }

    @Test
    void aWrongValueNamesItsField() throws Exception {
        assertThatThrownBy(() -> AgentConfig.load(write("""
                {"vehicle":"truck-7","municipality":"461","token":"%s","mode":"edge",
                 "mqtt_url":"tcp://broker:1884","camera":{"source":"video.mp4"},"outbox":{"max_mb":-1}}""".formatted(TOKEN))))
                .isInstanceOf(InputException.class).hasMessageContaining("outbox.max_mb");
        assertThatThrownBy(() -> AgentConfig.load(write("""
                {"vehicle":"truck-7","municipality":"461","token":"%s","mode":"drone",
                 "mqtt_url":"tcp://broker:1884","camera":{"source":"video.mp4"}}""".formatted(TOKEN))))
                .isInstanceOf(InputException.class).hasMessageContaining("mode");
        assertThatThrownBy(() -> AgentConfig.load(write("""
                {"vehicle":"truck-7","municipality":"461","token":"%s","mode":"stream","mqtt_url":"tcp://b:1884",
                 "camera":{"source":"video.mp4"},"outbx":{}}""".formatted(TOKEN))))
                .isInstanceOf(InputException.class).hasMessageContaining("outbx");
        assertThatThrownBy(() -> AgentConfig.load(write("""
                {"vehicle":"truck-7","municipality":"461","token":"nope","mode":"stream","mqtt_url":"tcp://b:1884",
                 "camera":{"source":"video.mp4"}}""")))
                .isInstanceOf(InputException.class).hasMessageContaining("token");
    }

    @Test
    void theCommandLineSaysWhatIsWrongAndExitsWith2() throws Exception {
        Path bad = write("{\"vehicle\":\"truck-7\"}");
        var err = new java.io.StringWriter();
        int code = AgentMain.commandLine().setErr(new java.io.PrintWriter(err)).execute("--config", bad.toString(), "--check");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("vehicle.json").contains("municipality");
    }
}
