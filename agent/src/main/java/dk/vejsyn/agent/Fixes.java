package dk.vejsyn.agent;

import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.frame.track.Track;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The GPS fixes of the last minutes and the GPS clock: where the vehicle was at a frame's capture
 * time, interpolated between the fixes around it exactly as batch runs interpolate a track file
 * ({@link Track#at}), and what time it is by the GPS.
 *
 * <p>A frame is placed only once a fix {@link #LOOKAHEAD} after its time has arrived: then the fixes
 * on both sides of it are known, and a heading derived from movement is the one a batch run derives
 * from the same fixes. A live frame therefore waits about two seconds before it is sampled.
 *
 * <p>Thread-safe.
 */
public final class Fixes {
    /** How far past a frame the fixes must reach before it is placed. */
    public static final Duration LOOKAHEAD = Duration.ofSeconds(2);
    /** Fixes kept; older ones are forgotten. */
    private static final Duration KEEP = Duration.ofMinutes(2);

    private final ArrayDeque<GeoTag> fixes = new ArrayDeque<>();
    private Track track;
    /** GPS time minus this machine's clock at the last fix, nanoseconds; null before the first. */
    private Long offsetNanos;
    private GeoTag last;

    /** A fix received now (in time order; an older or repeated time is ignored). */
    public synchronized void add(GeoTag fix, Instant receivedAt) {
        if (last != null && !fix.time().isAfter(last.time())) {
            return;
        }
        last = fix;
        fixes.addLast(fix);
        while (fixes.size() > 2 && fixes.peekFirst().time().isBefore(fix.time().minus(KEEP))) {
            fixes.removeFirst();
        }
        track = fixes.size() >= 2 ? new Track("gps", new ArrayList<>(fixes)) : null;
        offsetNanos = Duration.between(receivedAt, fix.time()).toNanos();
        notifyAll();
    }

    /** The newest fix, if any. */
    public synchronized Optional<GeoTag> last() {
        return Optional.ofNullable(last);
    }

    /** GPS time at this machine's {@code wallClock}, once a fix has come. */
    public synchronized Optional<Instant> gpsTime(Instant wallClock) {
        return offsetNanos == null ? Optional.empty() : Optional.of(wallClock.plusNanos(offsetNanos));
    }

    /** Waits up to {@code timeout} for the first fix. */
    public synchronized Optional<GeoTag> awaitFirst(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (last == null) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return Optional.of(last);
    }

    /** Whether fixes up to {@code time} + {@link #LOOKAHEAD} have arrived. */
    public synchronized boolean ready(Instant time) {
        return last != null && !last.time().isBefore(time.plus(LOOKAHEAD));
    }

    /** The vehicle at {@code time}, when the fixes cover it. */
    public synchronized Optional<GeoTag> at(Instant time) {
        if (track == null || !track.covers(time)) {
            return Optional.empty();
        }
        return Optional.of(track.at(time));
    }
}
