package dk.vejsyn.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Every Spring start (fat jar, CLI, tests) takes the database and broker from the variables the
 * scripts use, below anything that names the property itself, and says which it uses. The
 * variables are passed as arguments here (a JVM cannot change its own environment); Spring reads
 * both the same way, and arguments also hide whatever the test run's environment holds.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionEnvironmentTest {

    @Configuration(proxyBeanMethods = false)
    static class Empty {}

    /** With {@code args} ({@code --name=value}); the variables not among them blank, so that this run's environment does not leak in. */
    static ConfigurableApplicationContext start(String... args) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("spring.main.banner-mode", "off");
        all.put("vejsyn.connection-report", "stderr");
        for (String v : List.of("VEJSYN_JDBC_URL", "VEJSYN_PG_HOST", "VEJSYN_PG_PORT", "VEJSYN_PG_USER", "VEJSYN_MQTT_URL",
                "VEJSYN_MQTT_HOST", "VEJSYN_MQTT_PORT", "VEJSYN_MQTT_USERNAME", "VEJSYN_MQTT_PASSWORD", "VEJSYN_MQTT_BROKER_DIR")) {
            all.put(v, "");
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            all.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE)
                .run(all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    @Test
    void hostAndPortReachTheDatasourceAndTheBroker(CapturedOutput out) {
        try (ConfigurableApplicationContext ctx = start("--VEJSYN_PG_PORT=5499", "--VEJSYN_MQTT_PORT=1899",
                "--vejsyn.live.enabled=true")) {
            Environment env = ctx.getEnvironment();
            assertThat(env.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://127.0.0.1:5499/vejsyn?user=postgres");
            assertThat(env.getProperty("vejsyn.live.broker-url")).isEqualTo("tcp://127.0.0.1:1899");
        }
        assertThat(out.getErr()).contains("database: jdbc:postgresql://127.0.0.1:5499/vejsyn?user=postgres\n")
                .contains("MQTT broker: tcp://127.0.0.1:1899\n");
    }

    @Test
    void theServiceBrokerAccountAndFilesComeFromTheirVariables() {
        try (ConfigurableApplicationContext ctx = start("--VEJSYN_MQTT_USERNAME=vejsyn-service",
                "--VEJSYN_MQTT_PASSWORD=s3cret", "--VEJSYN_MQTT_BROKER_DIR=/tmp/broker")) {
            Environment env = ctx.getEnvironment();
            assertThat(env.getProperty("vejsyn.live.mqtt-username")).isEqualTo("vejsyn-service");
            assertThat(env.getProperty("vejsyn.live.mqtt-password")).isEqualTo("s3cret");
            assertThat(env.getProperty("vejsyn.live.broker-files-dir")).isEqualTo("/tmp/broker");
        }
        try (ConfigurableApplicationContext ctx = start()) {
            assertThat(ctx.getEnvironment().getProperty("vejsyn.live.mqtt-username")).isNull();
            assertThat(ctx.getEnvironment().getProperty("vejsyn.live.broker-files-dir")).isNull();
        }
        assertThatThrownBy(() -> start("--VEJSYN_MQTT_USERNAME=vejsyn-service"))
                .isInstanceOf(ConnectionSettingException.class).hasMessageContaining("VEJSYN_MQTT_PASSWORD");
    }

    @Test
    void withoutSettingsTheLocalServers() {
        try (ConfigurableApplicationContext ctx = start()) {
            assertThat(ctx.getEnvironment().getProperty("spring.datasource.url"))
                    .isEqualTo("jdbc:postgresql://127.0.0.1:5432/vejsyn?user=postgres");
            assertThat(ctx.getEnvironment().getProperty("vejsyn.live.broker-url")).isEqualTo("tcp://127.0.0.1:1884");
        }
    }

    @Test
    void explicitUrlsWinAndThePropertyItselfWinsOverThem(CapturedOutput out) {
        try (ConfigurableApplicationContext ctx = start("--VEJSYN_PG_PORT=5499", "--VEJSYN_MQTT_PORT=1899",
                "--VEJSYN_JDBC_URL=jdbc:postgresql://db.example:6432/roads?user=svc&password=s3cret",
                "--VEJSYN_MQTT_URL=tcp://mq.example:2883", "--vejsyn.live.enabled=true")) {
            assertThat(ctx.getEnvironment().getProperty("spring.datasource.url"))
                    .isEqualTo("jdbc:postgresql://db.example:6432/roads?user=svc&password=s3cret");
            assertThat(ctx.getEnvironment().getProperty("vejsyn.live.broker-url")).isEqualTo("tcp://mq.example:2883");
        }
        assertThat(out.getErr()).contains("database: jdbc:postgresql://db.example:6432/roads?user=svc&password=***\n")
                .contains("MQTT broker: tcp://mq.example:2883\n").doesNotContain("s3cret");
        // --db passes spring.datasource.url itself
        try (ConfigurableApplicationContext ctx = start("--VEJSYN_JDBC_URL=jdbc:postgresql://db.example:6432/roads",
                "--spring.datasource.url=jdbc:postgresql://other:5433/x")) {
            assertThat(ctx.getEnvironment().getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://other:5433/x");
        }
    }

    @Test
    void noBrokerLineWhenNoLiveFramesAreConsumed(CapturedOutput out) {
        start("--VEJSYN_PG_PORT=5499", "--vejsyn.live.enabled=false").close();
        assertThat(out.getErr()).contains("database: jdbc:postgresql://127.0.0.1:5499/").doesNotContain("MQTT broker:");
    }

    @Test
    void aMalformedSettingStopsTheStartNamingIt() {
        assertThatThrownBy(() -> start("--VEJSYN_PG_PORT=54x2"))
                .isInstanceOf(ConnectionSettingException.class)
                .hasMessage("VEJSYN_PG_PORT must be a TCP port number (1-65535): '54x2'");
        assertThatThrownBy(() -> start("--VEJSYN_MQTT_URL=http://mq:80"))
                .isInstanceOf(ConnectionSettingException.class).hasMessageContaining("VEJSYN_MQTT_URL");
    }
}
