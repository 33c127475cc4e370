package dk.vejsyn.api.upload;

import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.GeoFrame;
import dk.vejsyn.inference.frame.SourceStats;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * The frame source of an upload job: the uploaded footage, minus the frames an earlier attempt
 * already committed, with frame names that do not depend on the spool folder.
 *
 * <ul>
 *   <li><b>Resume.</b> Sampling is deterministic (every frame is decoded in order and the
 *       distance sampler sees the same tags), so frames are skipped by index: those up to
 *       {@code committedFrame} are decoded, their tags handed to the sink (the drive's track and
 *       "not seen" evidence need every frame) and closed without detection.</li>
 *   <li><b>Stable names.</b> A frame's {@code source} is part of an observation's natural key;
 *       it is rewritten from the spool path ({@code /spool/<job>/drive.mp4}) to the uploaded file
 *       name ({@code drive.mp4}), so uploading the same drive again under the same drive ref is
 *       recognised by the store and adds nothing twice.</li>
 *   <li><b>Stop.</b> When the service stops (or the job's thread is interrupted), the next
 *       frame request throws {@link JobInterruptedException}: the pipeline aborts instead of
 *       draining the rest of the video, and frames in flight are not committed.</li>
 * </ul>
 */
final class ResumingSource implements FrameSource {
    private final FrameSource delegate;
    private final long committedFrame;
    private final String spoolPrefix;
    private final ChunkingStoreSink sink;
    private final BooleanSupplier stopRequested;

    /**
     * @param spoolPrefix path prefix (with trailing separator) removed from frame names
     * @param stopRequested whether the service is stopping
     */
    ResumingSource(FrameSource delegate, long committedFrame, String spoolPrefix, ChunkingStoreSink sink,
            BooleanSupplier stopRequested) {
        this.delegate = delegate;
        this.committedFrame = committedFrame;
        this.spoolPrefix = spoolPrefix;
        this.sink = sink;
        this.stopRequested = stopRequested;
    }

    @Override
    public Optional<GeoFrame> next() {
        while (true) {
            if (stopRequested.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new JobInterruptedException();
            }
            Optional<GeoFrame> next = delegate.next();
            if (next.isEmpty()) {
                return next;
            }
            GeoFrame gf = next.get();
            Frame f = gf.frame();
            if (f.index() <= committedFrame) {
                sink.alreadyCommitted(gf.tag());
                gf.close();
                continue;
            }
            // The new frame takes over the pixel buffer: closing it releases the Mat.
            Frame renamed = new Frame(f.index(), stableName(f.source()), f.capturedAt(), f.image());
            sink.dispatched(f.index());
            return Optional.of(new GeoFrame(renamed, gf.tag()));
        }
    }

    String stableName(String source) {
        return source.startsWith(spoolPrefix) ? source.substring(spoolPrefix.length()) : source;
    }

    @Override
    public OptionalLong expectedFrames() {
        return delegate.expectedFrames();
    }

    @Override
    public SourceStats stats() {
        return delegate.stats();
    }

    @Override
    public String name() {
        return stableName(delegate.name());
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The job's thread was interrupted: the service is stopping; the job resumes later. */
    static final class JobInterruptedException extends RuntimeException {
        JobInterruptedException() {
            // An InterruptedException cause tells JobRunr that its server stopped the job.
            super("job interrupted: the service is stopping", new InterruptedException());
        }
    }
}
