package dk.vejsyn.api.edge;

import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.live.LiveProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ingest of on-board observations, with live ingest ({@code vejsyn.live.enabled}); its MQTT consumer
 * with the frames' ({@code vejsyn.live.mqtt-enabled}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "vejsyn.live", name = "enabled", havingValue = "true", matchIfMissing = true)
class EdgeConfig {

    @Bean
    EdgeObservations edgeObservations(FindingStore store, JdbcTemplate jdbc, PlatformTransactionManager tm) {
        return new EdgeObservations(store, jdbc, new TransactionTemplate(tm));
    }

    @Bean
    @ConditionalOnProperty(prefix = "vejsyn.live", name = "mqtt-enabled", havingValue = "true", matchIfMissing = true)
    MqttObservationConsumer mqttObservationConsumer(EdgeObservations observations, LiveProperties props) {
        return new MqttObservationConsumer(observations, props);
    }
}
