package dk.vejsyn.inference.frame;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.track.Track;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Frames of a video file (MP4/H.264; MOV, MKV and whatever else FFmpeg reads) geotagged from a
 * GPS {@link Track} and sampled by distance.
 *
 * <p><b>Time alignment.</b> A frame's time is the video start plus the frame's presentation
 * timestamp. The video start is {@link SourceOptions#videoStart()} if given, else the container's
 * {@code creation_time}, plus {@link SourceOptions#timeOffset()} in both cases. A video whose
 * span does not overlap the track at all is refused, naming both spans: that is nearly always a
 * wrong clock or the wrong track, and silently producing nothing would hide it.
 *
 * <p><b>Cost.</b> Every frame has to be decoded (inter-frame codecs need their predecessors), but
 * only kept frames are converted: the grabber hands over the decoder's raw picture (JavaCV's
 * {@code RAW} image mode), the keep/skip decision is made from the timestamp and the track, and
 * only a kept picture goes through swscale, straight into the frame's own BGR {@code Mat} (no
 * intermediate buffer, no copy). FFmpeg decodes on the calling thread: the pipeline already keeps
 * every core busy with one detector each, and FFmpeg's frame threads then only add hand-offs
 * (measured: 2.2 instead of 2.6–3.0 CPU ms per 720p frame; docs/BENCHMARKS.md).
 *
 * <p><b>Damage.</b> A frame the decoder fails on is skipped and counted as
 * {@link SkipReason#DAMAGED}; a file that ends before its announced frame count (a truncated
 * upload that FFmpeg can still open) counts the missing frames as damaged. A file FFmpeg cannot
 * open, one without a video stream, or one from which not a single frame decodes is an
 * {@link InputException} naming the file.
 */
public final class VideoSource implements FrameSource {
    /** After this many decoder errors in a row the rest of the file is taken as unreadable. */
    private static final int MAX_CONSECUTIVE_ERRORS = 50;

    static {
        // FFmpeg writes every decoder hiccup to stderr; we count and report them ourselves.
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }

    private final Path file;
    private final String name;
    private final Track track;
    private final DistanceSampler sampler;
    private final FFmpegFrameGrabber grabber;
    private SwsContext toBgr;
    private final Instant videoStart;
    private final long announcedFrames;
    private final SourceStats stats = new SourceStats();
    private long nextIndex;
    private long decoded;
    private long converted;
    private boolean ended;
    private boolean finished;
    private boolean closed;

    /**
     * Opens {@code file} and checks it against {@code track}.
     *
     * @throws InputException if the file is missing, not a video, has no usable start time, or
     *     does not overlap the track
     */
    public VideoSource(Path file, Track track, SourceOptions options) {
        this.file = file;
        this.name = file.toString();
        this.track = track;
        this.sampler = options.sampler();
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": video file not found");
        }
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        grabber.setVideoOption("threads", "1");
        try {
            start(grabber, file);
            Instant base = options.videoStart()
                    .or(() -> creationTime(grabber))
                    .orElseThrow(() -> new InputException(file + ": the video has no creation_time metadata; "
                            + "give its start time explicitly"));
            this.videoStart = base.plus(options.timeOffset());
            this.announcedFrames = Math.max(0, grabber.getLengthInVideoFrames());
            long lengthMicros = grabber.getLengthInTime();
            if (lengthMicros > 0) {
                requireOverlap(videoStart.plus(lengthMicros, ChronoUnit.MICROS));
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    @Override
    public Optional<GeoFrame> next() {
        int errorsInARow = 0;
        while (!ended) {
            org.bytedeco.javacv.Frame grabbed;
            try {
                grabbed = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                // A RuntimeException here comes from JavaCV handling a broken picture, not from us.
                stats.countRead();
                stats.countSkipped(SkipReason.DAMAGED);
                nextIndex++;
                if (++errorsInARow >= MAX_CONSECUTIVE_ERRORS) {
                    ended = true;
                }
                continue;
            }
            errorsInARow = 0;
            if (grabbed == null) {
                ended = true;
                break;
            }
            long index = nextIndex++;
            stats.countRead();
            if (grabbed.image == null || grabbed.imageWidth <= 0) {
                stats.countSkipped(SkipReason.DAMAGED);
                continue;
            }
            decoded++;
            Instant time = videoStart.plus(grabbed.timestamp, ChronoUnit.MICROS);
            if (!track.covers(time)) {
                stats.countSkipped(SkipReason.OUTSIDE_TRACK);
                continue;
            }
            GeoTag tag = track.at(time);
            Optional<SkipReason> skip = sampler.decide(tag);
            if (skip.isPresent()) {
                stats.countSkipped(skip.get());
                continue;
            }
            converted++;
            Mat own = toBgr(grabbed.opaque);
            if (own == null) {
                stats.countSkipped(SkipReason.DAMAGED);
                continue;
            }
            stats.countSampled();
            return Optional.of(new GeoFrame(new Frame(index, name, time, own), tag));
        }
        if (!finished) {
            finished = true;
            finish();
        }
        return Optional.empty();
    }

    /**
     * The decoder's picture (any pixel format FFmpeg decodes to) as a new BGR {@code Mat} the
     * frame owns; null when there is no usable picture.
     */
    private Mat toBgr(Object opaque) {
        if (!(opaque instanceof AVFrame picture) || picture.width() <= 0 || picture.height() <= 0
                || picture.data(0) == null || picture.data(0).isNull()) {
            return null;
        }
        int w = picture.width();
        int h = picture.height();
        toBgr = swscale.sws_getCachedContext(toBgr, w, h, picture.format(), w, h, avutil.AV_PIX_FMT_BGR24,
                swscale.SWS_BILINEAR, null, null, (DoublePointer) null);
        if (toBgr == null) {
            return null;
        }
        Mat bgr = new Mat(h, w, CV_8UC3);
        // swscale reads up to four plane pointers and line sizes on the destination side.
        try (PointerPointer<BytePointer> planes = new PointerPointer<>(4);
                IntPointer strides = new IntPointer(4)) {
            planes.put(0, bgr.data());
            strides.put(0, (int) bgr.step());
            int rows = swscale.sws_scale(toBgr, picture.data(), picture.linesize(), 0, h, planes, strides);
            if (rows != h) {
                bgr.close();
                return null;
            }
        }
        return bgr;
    }

    /** End-of-file bookkeeping: frames that never arrived, and inputs that gave nothing. */
    private void finish() {
        if (announcedFrames > stats.framesRead()) {
            long missing = announcedFrames - stats.framesRead();
            stats.countSkipped(SkipReason.DAMAGED, missing);
            for (long i = 0; i < missing; i++) {
                stats.countRead();
            }
            nextIndex += missing;
        }
        if (decoded == 0) {
            throw new InputException(file + ": no frame of the video could be decoded ("
                    + stats.skipped(SkipReason.DAMAGED) + " damaged)");
        }
        if (stats.skipped(SkipReason.OUTSIDE_TRACK) == decoded) {
            throw noOverlap(videoStart.plus(lastTimestampMicros(), ChronoUnit.MICROS));
        }
    }

    private long lastTimestampMicros() {
        return Math.max(0, grabber.getTimestamp());
    }

    private void requireOverlap(Instant videoEnd) {
        if (videoEnd.isBefore(track.start()) || videoStart.isAfter(track.end())) {
            throw noOverlap(videoEnd);
        }
    }

    private InputException noOverlap(Instant videoEnd) {
        return new InputException(file + ": the video (" + videoStart + " .. " + videoEnd + ") does not overlap the track "
                + track.source() + " (" + track.start() + " .. " + track.end() + "); check the time offset");
    }

    /** The container's creation_time; absent, unparsable or an unset camera clock → empty. */
    static Optional<Instant> creationTime(FFmpegFrameGrabber grabber) {
        String value = grabber.getMetadata("creation_time");
        if (value == null || value.isBlank()) {
            value = grabber.getVideoMetadata("creation_time");
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.strip();
        try {
            Instant t = Instant.parse(v.contains("T") ? v : v.replace(' ', 'T') + (v.endsWith("Z") ? "" : "Z"));
            // Cameras without a set clock write 1904-01-01 (MP4 epoch) or 1970-01-01.
            return t.isBefore(Instant.parse("1980-01-01T00:00:00Z")) ? Optional.empty() : Optional.of(t);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static void start(FFmpegFrameGrabber grabber, Path file) {
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new InputException(file + ": not a readable video file (" + e.getMessage() + ")", e);
        }
        if (!grabber.hasVideo()) {
            throw new InputException(file + ": the file has no video stream");
        }
    }

    /** Frames converted to a {@code Mat} so far: equals the kept frames (tests check that). */
    long framesConverted() {
        return converted;
    }

    /** When the first frame was captured (after creation_time/override and offset). */
    public Instant videoStart() {
        return videoStart;
    }

    public Track track() {
        return track;
    }

    @Override
    public OptionalLong expectedFrames() {
        return announcedFrames > 0 ? OptionalLong.of(announcedFrames) : OptionalLong.empty();
    }

    @Override
    public SourceStats stats() {
        return stats;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        release();
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // Closing releases native memory; nothing useful to do if FFmpeg complains.
        }
        if (toBgr != null) {
            swscale.sws_freeContext(toBgr);
            toBgr = null;
        }
    }
}
