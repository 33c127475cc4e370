package dk.vejsyn.api.fleet;

import dk.vejsyn.api.live.LiveProperties;
import dk.vejsyn.api.municipality.Municipalities;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fleet health: the heartbeat store, its HTTP side (always), its MQTT consumer (where the service
 * consumes live frames over MQTT: {@code vejsyn.live.enabled} and {@code vejsyn.live.mqtt-enabled})
 * and the hourly purge of the heartbeat history.
 */
@Configuration(proxyBeanMethods = false)
class FleetConfig {
    private static final Logger log = LoggerFactory.getLogger(FleetConfig.class);

    @Bean
    FleetStore fleetStore(JdbcClient jdbc) {
        return new FleetStore(jdbc);
    }

    @Bean
    Heartbeats heartbeats(FleetStore store, Municipalities municipalities, FleetProperties props, MeterRegistry registry) {
        return new Heartbeats(store, municipalities, props, registry, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnExpression("${vejsyn.live.enabled:true} and ${vejsyn.live.mqtt-enabled:true}")
    MqttHeartbeatConsumer mqttHeartbeatConsumer(Heartbeats heartbeats, LiveProperties live) {
        return new MqttHeartbeatConsumer(heartbeats, live);
    }

    /** Deletes heartbeats past the history retention, every hour, on every instance (a plain DELETE: no conflict). */
    @Bean
    SmartLifecycle fleetHousekeeping(FleetStore store, FleetProperties props) {
        return new SmartLifecycle() {
            private ScheduledExecutorService timer;

            @Override
            public synchronized void start() {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "vejsyn-fleet-purge");
                    t.setDaemon(true);
                    return t;
                });
                timer.scheduleWithFixedDelay(() -> {
                    try {
                        int n = store.purgeHistory(props.historyRetention(), Clock.systemUTC().instant());
                        if (n > 0) {
                            log.info("deleted {} heartbeats older than {}", n, props.historyRetention());
                        }
                    } catch (RuntimeException e) {
                        log.warn("purging old heartbeats failed (retried in an hour): {}", e.toString());
                    }
                }, 1, 60, TimeUnit.MINUTES);
            }

            @Override
            public synchronized void stop() {
                if (timer != null) {
                    timer.shutdownNow();
                    timer = null;
                }
            }

            @Override
            public synchronized boolean isRunning() {
                return timer != null;
            }
        };
    }
}
