package dk.vejsyn.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vehicle's camera through FFmpeg (JavaCV's {@link FFmpegFrameGrabber}): an RTSP or HTTP stream,
 * a V4L2 device ({@code /dev/video0}), or a video file standing in for a camera (tests, demos).
 *
 * <p><b>Capture time.</b> A live frame's time is the GPS time when it was grabbed (this machine's clock
 * corrected by the last fix, {@link Fixes#gpsTime}). A file's frame {@code n} was filmed at
 * {@code fileStart + pts(n)}, and it is handed over when the GPS clock reaches that time, so the file
 * plays at its real pace alongside the GPS; frames whose time has already passed (the agent restarted
 * mid-drive) are skipped, as a camera does not film while its unit is off.
 */
public final class Camera implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Camera.class);

    /** A grabbed frame: BGR pixels owned by the caller, and its capture time (GPS). */
    public record Captured(Mat image, Instant time, long index) {}

    private final String source;
    private final boolean file;
    private final String fileStart;
    private final Fixes fixes;
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private Instant start;
    private long index = -1;
    private long skippedAsPast;
    private boolean playing;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /**
     * @param fileStart for a file: an ISO instant or {@code first-fix}
     */
    public Camera(String source, String fileStart, Fixes fixes) {
        this.source = source;
        this.file = !source.contains("://") && !source.startsWith("/dev/") && Files.isRegularFile(Path.of(source));
        this.fileStart = fileStart;
        this.fixes = fixes;
        this.grabber = new FFmpegFrameGrabber(source);
        if (source.startsWith("/dev/video")) {
            grabber.setFormat("video4linux2");
        } else if (source.startsWith("rtsp://")) {
            grabber.setOption("rtsp_transport", "tcp");
            grabber.setOption("stimeout", "10000000");
        }
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        grabber.setVideoOption("threads", "1");
    }

    /** Opens the source (for a file with {@code first-fix}: after the first fix). */
    public void open(Duration firstFixTimeout) throws InterruptedException {
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            throw new IllegalStateException("camera " + source + ": " + e.getMessage(), e);
        }
        if (!grabber.hasVideo()) {
            throw new IllegalStateException("camera " + source + ": no video stream");
        }
        if (file) {
            if ("first-fix".equals(fileStart)) {
                start = fixes.awaitFirst(firstFixTimeout)
                        .orElseThrow(() -> new IllegalStateException("no GPS fix within " + firstFixTimeout))
                        .time();
            } else {
                start = Instant.parse(fileStart);
            }
            log.info("camera: video file {} filmed from {} (GPS time), {}x{} at {} fps", source, start,
                    grabber.getImageWidth(), grabber.getImageHeight(), grabber.getFrameRate());
        } else {
            log.info("camera: {} {}x{}", source, grabber.getImageWidth(), grabber.getImageHeight());
        }
    }

    /** The next frame; empty at the end of a file (a live source reconnects until it works). */
    public Optional<Captured> next() throws InterruptedException {
        while (true) {
            org.bytedeco.javacv.Frame f;
            try {
                f = grabber.grabImage();
            } catch (FrameGrabber.Exception e) {
                if (file) {
                    log.warn("camera: damaged frame skipped ({})", e.getMessage());
                    continue;
                }
                log.warn("camera {}: {}; reopening", source, e.getMessage());
                reopen();
                continue;
            }
            if (f == null) {
                if (file) {
                    if (skippedAsPast > 0) {
                        log.info("camera: {} frames of the file lay before this start and were skipped", skippedAsPast);
                    }
                    return Optional.empty();
                }
                reopen();
                continue;
            }
            if (f.image == null) {
                continue;
            }
            index++;
            Instant time;
            if (file) {
                time = start.plus(f.timestamp, ChronoUnit.MICROS);
                if (!playing) {
                    // Until the GPS clock is known nothing can be placed anyway.
                    while (fixes.gpsTime(Instant.now()).isEmpty()) {
                        Thread.sleep(50);
                    }
                    // Only before the first frame: once playing, a frame handed over late (a busy CPU)
                    // is still the frame filmed at its time, and the sampler sees every one, as in batch.
                    if (fixes.gpsTime(Instant.now()).get().isAfter(time.plusSeconds(1))) {
                        skippedAsPast++;
                        continue;
                    }
                    playing = true;
                }
                // Real pace on the GPS clock (between fixes this machine's clock).
                while (true) {
                    Optional<Instant> t = fixes.gpsTime(Instant.now());
                    long waitMs = t.isEmpty() ? 50 : Duration.between(t.get(), time).toMillis();
                    if (waitMs <= 0) {
                        break;
                    }
                    Thread.sleep(Math.min(waitMs, 100));
                }
            } else {
                Optional<Instant> t = fixes.gpsTime(Instant.now());
                if (t.isEmpty()) {
                    continue; // no GPS time yet: the frame could not be placed anyway
                }
                time = t.get();
            }
            Mat m = converter.convert(f);
            if (m == null || m.empty()) {
                continue;
            }
            return Optional.of(new Captured(m.clone(), time, index));
        }
    }

    private void reopen() throws InterruptedException {
        Thread.sleep(1000);
        try {
            grabber.restart();
        } catch (FrameGrabber.Exception e) {
            log.warn("camera {}: {}", source, e.getMessage());
        }
    }

    public boolean isFile() {
        return file;
    }

    @Override
    public void close() {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception e) {
            // releasing anyway
        }
    }
}
