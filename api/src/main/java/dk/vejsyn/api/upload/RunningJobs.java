package dk.vejsyn.api.upload;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops running upload jobs cleanly when the service stops, while the database is still open.
 *
 * <p>JobRunr's own stop interrupts job threads and does not wait for them, and it runs when beans
 * are destroyed, so a job interrupted there can find the connection pool already closed and
 * JobRunr cannot record that the job stopped (it is then recovered as an orphan, later). This
 * lifecycle stops first: it asks every running job to stop at its next frame and waits for it
 * to give up; the job records where it stopped, and JobRunr schedules it again for the next server.
 */
@Component
class RunningJobs implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RunningJobs.class);
    private static final long STOP_WAIT_SECONDS = 30;

    private final Map<Thread, CountDownLatch> jobs = new ConcurrentHashMap<>();
    private volatile boolean running;

    /** The calling thread starts a job; {@code false} when the service is stopping. */
    boolean enter() {
        if (!running) {
            return false;
        }
        jobs.put(Thread.currentThread(), new CountDownLatch(1));
        return true;
    }

    /** The calling thread's job is over, whatever the outcome. */
    void exit() {
        CountDownLatch done = jobs.remove(Thread.currentThread());
        if (done != null) {
            done.countDown();
        }
    }

    /** Whether jobs should stop at their next frame. */
    boolean stopRequested() {
        return !running;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        for (CountDownLatch done : jobs.values()) {
            try {
                if (!done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.warn("an upload job did not stop in {} s; it resumes as an orphan on the next server",
                            STOP_WAIT_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
