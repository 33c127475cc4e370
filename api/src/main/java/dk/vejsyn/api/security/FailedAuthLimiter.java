package dk.vejsyn.api.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address in fixed windows; once an address has failed
 * {@code limit} times in a window it is refused (429 with {@code Retry-After}) until the window
 * ends, without its credentials being checked, so guessing tokens costs the guesser time and the
 * service no hash checks. Per instance and in memory: behind a load balancer each instance limits
 * on its own, which bounds guessing by limit × instances per window.
 */
public class FailedAuthLimiter {
    /** Addresses kept at most; beyond it, expired windows are dropped first, then all (memory stays bounded). */
    private static final int MAX_ADDRESSES = 100_000;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(Instant start, int failures) {}

    public FailedAuthLimiter(int limit, Duration window, Clock clock) {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("failed-authentication limit must be >= 1 in a positive window");
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds the address must wait before trying again; empty when it may try now. */
    public OptionalLong retryAfter(String address) {
        Window w = windows.get(address);
        Instant now = clock.instant();
        if (w == null || w.failures() < limit || !now.isBefore(w.start().plus(window))) {
            return OptionalLong.empty();
        }
        long ms = Duration.between(now, w.start().plus(window)).toMillis();
        return OptionalLong.of(Math.max(1, (ms + 999) / 1000));
    }

    /** Records one failed authentication from {@code address}. */
    public void failed(String address) {
        Instant now = clock.instant();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        windows.compute(address, (a, w) -> w == null || !now.isBefore(w.start().plus(window))
                ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }
}
