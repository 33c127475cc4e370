package dk.vejsyn.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties the outbox while the link is up: the oldest items first, up to {@link #WINDOW} at a time
 * in flight, each removed only after the service acknowledged it. On failure it backs off (0.5 s
 * doubling to 30 s, or the service's {@code Retry-After}) and tries the same items again; the
 * service processes each frame or observation id once, so a repeat after a lost acknowledgement
 * is harmless.
 */
public final class OutboxSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
    static final int WINDOW = 16;
    private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Outbox outbox;
    private final Uplink uplink;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean running = true;
    private volatile String lastError;
    private final Object wake = new Object();

    public OutboxSender(Outbox outbox, Uplink uplink) {
        this.outbox = outbox;
        this.uplink = uplink;
        this.thread = new Thread(this::run, "vejsyn-agent-sender");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Something was added: send it now rather than at the next poll. */
    public void poke() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        boolean failing = false;
        while (running) {
            try {
                List<Outbox.Item> items = outbox.oldest(WINDOW);
                if (items.isEmpty()) {
                    synchronized (wake) {
                        wake.wait(500);
                    }
                    continue;
                }
                List<CompletableFuture<Uplink.Answer>> sent = new ArrayList<>();
                for (Outbox.Item item : items) {
                    sent.add(uplink.send(item));
                }
                Duration wait = Duration.ZERO;
                String error = null;
                for (int i = 0; i < items.size(); i++) {
                    Outbox.Item item = items.get(i);
                    Uplink.Answer a = sent.get(i).join();
                    switch (a.result()) {
                        case DELIVERED -> {
                            outbox.remove(item.seq());
                            delivered.incrementAndGet();
                        }
                        case REJECTED -> {
                            outbox.remove(item.seq());
                            rejected.incrementAndGet();
                            lastError = a.detail();
                            log.error("{} {} rejected by the service, removed from the outbox: {}", item.kind(), item.id(),
                                    a.detail());
                        }
                        case RETRY -> {
                            error = a.detail();
                            if (a.retryAfter().compareTo(wait) > 0) {
                                wait = a.retryAfter();
                            }
                        }
                    }
                }
                if (error == null) {
                    if (failing) {
                        log.info("link back: sending the outbox again ({} items still waiting)", outbox.stats().items());
                        failing = false;
                    }
                    backoff = MIN_BACKOFF;
                    continue;
                }
                lastError = error;
                if (!failing) {
                    log.warn("cannot send ({}); {} items wait in the outbox, retrying with back-off", error,
                            outbox.stats().items());
                    failing = true;
                }
                if (wait.isZero()) {
                    wait = backoff;
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                }
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                lastError = e.toString();
                log.error("outbox sender: {}", e.toString());
                try {
                    Thread.sleep(MAX_BACKOFF.toMillis() / 10);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    public long delivered() {
        return delivered.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Waits up to {@code timeout} for the outbox to empty; whether it did. */
    public boolean drain(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (outbox.stats().items() > 0 && System.nanoTime() < end) {
            poke();
            Thread.sleep(200);
        }
        return outbox.stats().items() == 0;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
