package dk.vejsyn.api.live;

import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.MqttAccounts;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the broker's account files ({@link MqttAccounts}) in step with the vehicle tokens while
 * the service runs, when {@code vejsyn.live.broker-files-dir} is set: at start (before the MQTT
 * consumer connects, since the service's own account is in them), after each token this instance
 * makes or revokes, and every {@code broker-files-interval} for expiries and for changes made by
 * other instances or by {@code vejsyn token}. Each instance of a deployment may do this: they
 * write the same content, and only a change reloads the broker.
 */
final class BrokerFiles implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(BrokerFiles.class);

    private final MqttAccounts accounts;
    private final Duration interval;
    private volatile ScheduledExecutorService scheduler;

    BrokerFiles(MqttAccounts accounts, Duration interval, ApiTokens tokens) {
        this.accounts = accounts;
        this.interval = interval;
        tokens.addChangeListener(this::refresh);
    }

    /** Rewrites the files now if they changed; failures are logged, the next round tries again. */
    void refresh() {
        try {
            if (accounts.refresh()) {
                log.info("MQTT broker accounts in {} rewritten from the vehicle tokens", accounts.dir());
            }
        } catch (RuntimeException e) {
            log.warn("cannot write the MQTT broker accounts in {}: {}", accounts.dir(), e.toString());
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        // The first write is not left to the schedule: the consumer starts right after and signs in with these files.
        accounts.refresh();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vejsyn-broker-files");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }

    /** Before {@link MqttFrameConsumer} (phase 10). */
    @Override
    public int getPhase() {
        return 5;
    }
}
