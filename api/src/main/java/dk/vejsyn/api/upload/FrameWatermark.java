package dk.vejsyn.api.upload;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The highest frame index up to which every dispatched frame is processed, while workers finish
 * frames out of order. Frames are dispatched in increasing index order (by the decoding thread);
 * the watermark moves over a frame only once it and all frames dispatched before it are done.
 * Not thread-safe: {@link ChunkingStoreSink} guards it.
 */
final class FrameWatermark {
    private final Deque<Long> inFlight = new ArrayDeque<>();
    private final Set<Long> done = new HashSet<>();
    private long mark;

    /** @param start the watermark so far ({@code -1}: nothing committed) */
    FrameWatermark(long start) {
        this.mark = start;
    }

    void dispatched(long frameIndex) {
        if (!inFlight.isEmpty() && frameIndex <= inFlight.peekLast()) {
            throw new IllegalArgumentException("frames must be dispatched in index order: " + frameIndex
                    + " after " + inFlight.peekLast());
        }
        inFlight.addLast(frameIndex);
    }

    void processed(long frameIndex) {
        done.add(frameIndex);
    }

    /** Moves the watermark as far as it can; returns the frames it passed, in order. */
    List<Long> advance() {
        List<Long> passed = new ArrayList<>();
        while (!inFlight.isEmpty() && done.remove(inFlight.peekFirst())) {
            mark = inFlight.removeFirst();
            passed.add(mark);
        }
        return passed;
    }

    long mark() {
        return mark;
    }

    /** Frames processed beyond the watermark, waiting for an earlier one. */
    int waiting() {
        return done.size();
    }

    /** Frames dispatched and not yet passed by the watermark. */
    int pending() {
        return inFlight.size();
    }
}
