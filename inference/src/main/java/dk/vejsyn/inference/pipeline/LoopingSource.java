package dk.vejsyn.inference.pipeline;

import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.frame.SourceStats;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Replays a source again and again until {@code limit} frames were delivered: a long, steady
 * input for soak and memory benchmarks from a short clip.
 */
public final class LoopingSource implements FrameSource {
    private final Supplier<FrameSource> open;
    private final long limit;
    private final SourceStats stats = new SourceStats();
    private FrameSource current;
    private long delivered;
    private long readBefore;

    public LoopingSource(Supplier<FrameSource> open, long limit) {
        this.open = open;
        this.limit = limit;
    }

    @Override
    public Optional<GeoFrame> next() {
        if (delivered >= limit) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            if (current == null) {
                current = open.get();
            }
            Optional<GeoFrame> f = current.next();
            if (f.isPresent()) {
                delivered++;
                return f;
            }
            readBefore += current.stats().framesRead();
            current.close();
            current = null;
        }
        throw new IllegalStateException("looped source delivers no frames");
    }

    /** Frames delivered so far (all loops). */
    public long delivered() {
        return delivered;
    }

    /** Frames read by the underlying sources so far (all loops). */
    public long framesRead() {
        return readBefore + (current == null ? 0 : current.stats().framesRead());
    }

    @Override
    public OptionalLong expectedFrames() {
        return OptionalLong.of(limit);
    }

    @Override
    public SourceStats stats() {
        return stats;
    }

    @Override
    public String name() {
        return current == null ? "loop" : current.name();
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
