package dk.vejsyn.api.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A malformed connection setting stops the start with its own message, not a stack trace. */
class ConnectionSettingFailureAnalyzer extends AbstractFailureAnalyzer<ConnectionSettingException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConnectionSettingException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Correct it, or unset it for the default (README, \"Configuration\": VEJSYN_PG_HOST/PORT/USER, "
                        + "VEJSYN_MQTT_HOST/PORT, VEJSYN_JDBC_URL, VEJSYN_MQTT_URL).", cause);
    }
}
