package dk.vejsyn.api.road;

import jakarta.annotation.PreDestroy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Brings the rating history up to date every {@code vejsyn.roads.history-interval} in the service
 * (not in one-shot commands), so status changes of findings (dismissed, repaired) reach the
 * history without the findings store knowing about roads. Every instance runs it; a second run
 * the same day writes nothing (rows only where the state changed).
 */
@Component
@ConditionalOnWebApplication
class RoadHistoryScheduler {
    private static final Logger log = LoggerFactory.getLogger(RoadHistoryScheduler.class);

    private final RoadHistory history;
    private final RoadProperties props;
    private ScheduledExecutorService executor;

    RoadHistoryScheduler(RoadHistory history, RoadProperties props) {
        this.history = history;
        this.props = props;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long every = props.historyInterval().toMillis();
        if (every <= 0) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "road-history");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::run, every, every, TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            int n = history.recordAll();
            if (n > 0) {
                log.info("road condition history: {} segment(s) changed", n);
            }
        } catch (RuntimeException e) {
            log.warn("recording the road condition history failed (retried in {}): {}", props.historyInterval(), e.toString());
        }
    }

    @PreDestroy
    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
