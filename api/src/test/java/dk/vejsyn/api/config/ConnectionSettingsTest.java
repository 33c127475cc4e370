package dk.vejsyn.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One set of connection settings: defaults, host/port/user, explicit URLs winning, bad values named. */
class ConnectionSettingsTest {

    static ConnectionSettings settings(String... nameValue) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            env.put(nameValue[i], nameValue[i + 1]);
        }
        return ConnectionSettings.of(env::get);
    }

    @Test
    void defaultsAreTheLocalServers() {
        assertThat(settings().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/vejsyn?user=postgres");
        assertThat(settings().mqttUrl()).isEqualTo("tcp://127.0.0.1:1884");
    }

    @Test
    void hostPortAndUserBuildTheUrls() {
        ConnectionSettings s = settings("VEJSYN_PG_HOST", "db.example", "VEJSYN_PG_PORT", "5499", "VEJSYN_PG_USER", "vejsyn",
                "VEJSYN_MQTT_HOST", "broker.example", "VEJSYN_MQTT_PORT", "1899");
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5499/vejsyn?user=vejsyn");
        assertThat(s.serverJdbcUrl("vejsyn_test")).isEqualTo("jdbc:postgresql://db.example:5499/vejsyn_test?user=vejsyn");
        assertThat(s.mqttUrl()).isEqualTo("tcp://broker.example:1899");
        assertThat(settings("VEJSYN_PG_PORT", "5499").jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5499/vejsyn?user=postgres");
    }

    @Test
    void anIpv6HostIsBracketedAndAUserNameEncoded() {
        assertThat(settings("VEJSYN_PG_HOST", "::1", "VEJSYN_PG_USER", "road+ops").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5432/vejsyn?user=road%2Bops");
        assertThat(settings("VEJSYN_PG_HOST", "[::1]").jdbcUrl()).startsWith("jdbc:postgresql://[::1]:5432/");
    }

    @Test
    void anExplicitUrlWinsOverHostAndPortButNotForTheTestsOwnDatabase() {
        ConnectionSettings s = settings("VEJSYN_JDBC_URL", "jdbc:postgresql://prod:6432/roads?user=svc",
                "VEJSYN_PG_PORT", "5499", "VEJSYN_MQTT_URL", "tcp://mq.example:2883", "VEJSYN_MQTT_PORT", "1899");
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://prod:6432/roads?user=svc");
        assertThat(s.mqttUrl()).isEqualTo("tcp://mq.example:2883");
        assertThat(s.serverJdbcUrl("vejsyn_test")).isEqualTo("jdbc:postgresql://127.0.0.1:5499/vejsyn_test?user=postgres");
        assertThat(s.serverMqttUrl()).isEqualTo("tcp://127.0.0.1:1899");
    }

    @Test
    void blankCountsAsUnsetAsInTheScripts() {
        ConnectionSettings s = settings("VEJSYN_JDBC_URL", "", "VEJSYN_PG_PORT", " ", "VEJSYN_MQTT_URL", "", "VEJSYN_MQTT_HOST", "");
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/vejsyn?user=postgres");
        assertThat(s.mqttUrl()).isEqualTo("tcp://127.0.0.1:1884");
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        for (String port : new String[] {"abc", "0", "65536", "54 99", "-1", "5432x"}) {
            assertThatThrownBy(() -> settings("VEJSYN_PG_PORT", port).jdbcUrl())
                    .isInstanceOf(ConnectionSettingException.class).hasMessageContaining("VEJSYN_PG_PORT")
                    .hasMessageContaining("'" + port + "'");
            assertThatThrownBy(() -> settings("VEJSYN_MQTT_PORT", port).mqttUrl())
                    .isInstanceOf(ConnectionSettingException.class).hasMessageContaining("VEJSYN_MQTT_PORT");
        }
        assertThatThrownBy(() -> settings("VEJSYN_PG_HOST", "db/x").jdbcUrl()).hasMessageContaining("VEJSYN_PG_HOST");
        assertThatThrownBy(() -> settings("VEJSYN_PG_USER", "road ops").jdbcUrl()).hasMessageContaining("VEJSYN_PG_USER");
        assertThatThrownBy(() -> settings("VEJSYN_MQTT_HOST", "::1").mqttUrl()).hasMessageContaining("VEJSYN_MQTT_HOST");
        assertThatThrownBy(() -> settings("VEJSYN_JDBC_URL", "postgres://h/db").jdbcUrl())
                .isInstanceOf(ConnectionSettingException.class).hasMessageContaining("VEJSYN_JDBC_URL");
        assertThatThrownBy(() -> settings("VEJSYN_JDBC_URL", "jdbc:postgresql://h:99999/db?password=secret").jdbcUrl())
                .hasMessageContaining("VEJSYN_JDBC_URL").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> settings("VEJSYN_MQTT_URL", "mqtt://h:1883").mqttUrl()).hasMessageContaining("VEJSYN_MQTT_URL");
        assertThatThrownBy(() -> settings("VEJSYN_MQTT_URL", "tcp://h:70000").mqttUrl()).hasMessageContaining("VEJSYN_MQTT_URL");
        assertThatThrownBy(() -> ConnectionSettings.checkJdbcUrl("", "--db")).hasMessageStartingWith("--db must be a JDBC URL");
        assertThat(ConnectionSettings.checkJdbcUrl("jdbc:postgresql_postGIS://h:5432/db", "--db"))
                .isEqualTo("jdbc:postgresql_postGIS://h:5432/db");
    }

    @Test
    void passwordsNeverReachTheReport() {
        assertThat(ConnectionSettings.redact("jdbc:postgresql://h:5432/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=***&ssl=true");
        assertThat(ConnectionSettings.redact("jdbc:postgresql://h/db?PASSWORD=x")).isEqualTo("jdbc:postgresql://h/db?PASSWORD=***");
        assertThat(ConnectionSettings.redact("tcp://u:s3cret@h:1883")).isEqualTo("tcp://u:***@h:1883");
        assertThat(ConnectionSettings.redact("tcp://127.0.0.1:1883")).isEqualTo("tcp://127.0.0.1:1883");
    }
}
