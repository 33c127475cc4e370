package dk.vejsyn.api.upload;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Deletes expired upload sessions and their bytes every {@code vejsyn.jobs.resumable.cleanup-interval}. */
@Component
class ResumableHousekeeping implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ResumableHousekeeping.class);
    private final ResumableUploads uploads;
    private ScheduledExecutorService timer;

    ResumableHousekeeping(ResumableUploads uploads) {
        this.uploads = uploads;
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vejsyn-upload-expiry");
            t.setDaemon(true);
            return t;
        });
        long ms = uploads.properties().cleanupInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                uploads.expire();
            } catch (RuntimeException e) {
                log.warn("expiring upload sessions failed (retried): {}", e.toString());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
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
}
