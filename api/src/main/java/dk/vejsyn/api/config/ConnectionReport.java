package dk.vejsyn.api.config;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Says at start, before anything connects, which database and which MQTT broker this process
 * uses: one line each (the broker only when live frames are consumed over MQTT), passwords
 * replaced by {@code ***}. Logged at INFO, or printed on stderr when
 * {@code vejsyn.connection-report=stderr} (the CLI, whose logging is quiet). Registered in
 * {@code META-INF/spring.factories}.
 */
public class ConnectionReport implements ApplicationListener<ApplicationPreparedEvent> {
    public static final String MODE_PROPERTY = "vejsyn.connection-report";
    private static final Logger log = LoggerFactory.getLogger(ConnectionReport.class);

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        String mode = env.getProperty(MODE_PROPERTY, "log");
        List<String> lines = lines(env);
        switch (mode) {
            case "log" -> lines.forEach(log::info);
            case "stderr" -> lines.forEach(System.err::println);
            case "off" -> { }
            default -> throw new IllegalArgumentException(MODE_PROPERTY + " must be log, stderr or off: " + mode);
        }
    }

    /** The lines, e.g. {@code database: jdbc:postgresql://127.0.0.1:5499/vejsyn?user=postgres}. */
    static List<String> lines(Environment env) {
        List<String> lines = new ArrayList<>();
        String user = env.getProperty("spring.datasource.username");
        lines.add("database: " + ConnectionSettings.redact(env.getProperty(ConnectionEnvironment.DATASOURCE_URL))
                + (user == null || user.isBlank() ? "" : " (user " + user + ")"));
        if (env.getProperty("vejsyn.live.enabled", Boolean.class, true)
                && env.getProperty("vejsyn.live.mqtt-enabled", Boolean.class, true)) {
            lines.add("MQTT broker: " + ConnectionSettings.redact(env.getProperty(ConnectionEnvironment.BROKER_URL)));
        }
        return lines;
    }
}
