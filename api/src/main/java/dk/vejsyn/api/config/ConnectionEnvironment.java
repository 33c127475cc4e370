package dk.vejsyn.api.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives {@code spring.datasource.url} and {@code vejsyn.live.broker-url} their values from
 * {@link ConnectionSettings} ({@code VEJSYN_JDBC_URL} or {@code VEJSYN_PG_HOST/PORT/USER};
 * {@code VEJSYN_MQTT_URL} or {@code VEJSYN_MQTT_HOST/PORT}), and the service's broker account and
 * account files ({@code VEJSYN_MQTT_USERNAME}, {@code VEJSYN_MQTT_PASSWORD}, {@code VEJSYN_MQTT_BROKER_DIR}
 * to {@code vejsyn.live.mqtt-username}, {@code -password}, {@code broker-files-dir}) in every Spring start: the fat jar,
 * the CLI's {@code serve}, {@code demo} and {@code detect --db}, and the tests. Registered in
 * {@code META-INF/spring.factories}.
 *
 * <p>The values are defaults, added below every other property source: anything that names the
 * property itself wins ({@code --db}, which passes {@code --spring.datasource.url}; a test's
 * {@code @DynamicPropertySource}; {@code SPRING_DATASOURCE_URL}).
 */
public class ConnectionEnvironment implements EnvironmentPostProcessor, Ordered {
    public static final String SOURCE_NAME = "vejsynConnectionSettings";
    public static final String DATASOURCE_URL = "spring.datasource.url";
    public static final String BROKER_URL = "vejsyn.live.broker-url";
    public static final String MQTT_USERNAME = "vejsyn.live.mqtt-username";
    public static final String MQTT_PASSWORD = "vejsyn.live.mqtt-password";
    public static final String BROKER_FILES_DIR = "vejsyn.live.broker-files-dir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        ConnectionSettings settings = ConnectionSettings.of(environment::getProperty);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(DATASOURCE_URL, settings.jdbcUrl());
        values.put(BROKER_URL, settings.mqttUrl());
        if (settings.mqttUsername() != null) {
            values.put(MQTT_USERNAME, settings.mqttUsername());
            values.put(MQTT_PASSWORD, settings.mqttPassword());
        }
        if (settings.mqttBrokerDir() != null) {
            values.put(BROKER_FILES_DIR, settings.mqttBrokerDir());
        }
        environment.getPropertySources().remove(SOURCE_NAME);
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, values));
    }

    /** After the application's configuration files are read, so that they may set the variables too. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
