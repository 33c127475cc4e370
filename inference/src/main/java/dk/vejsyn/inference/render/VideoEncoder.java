package dk.vejsyn.inference.render;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.opencv.core.Mat;

/**
 * MP4 writer for rendered frames. Uses H.264 when the FFmpeg build has an H.264 encoder
 * (bytedeco's LGPL build ships OpenH264, not x264), else MPEG-4 part 2. The container's
 * {@code creation_time} is the drive's start, so readers can align video time to the GPS track.
 * One encoder thread, so the same frames give the same bytes.
 */
final class VideoEncoder implements AutoCloseable {
    private final FFmpegFrameRecorder recorder;
    private final OpenCVFrameConverter.ToOrgOpenCvCoreMat converter = new OpenCVFrameConverter.ToOrgOpenCvCoreMat();
    private final String codec;

    VideoEncoder(Path file, int width, int height, double fps, int bitrate, Instant creationTime)
            throws FrameRecorder.Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // FFmpeg's stream banner is noise on a terminal
        recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        recorder.setFormat("mp4");
        recorder.setFrameRate(fps);
        recorder.setVideoBitrate(bitrate);
        recorder.setGopSize((int) Math.round(fps * 2));
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        if (avcodec.avcodec_find_encoder_by_name("libx264") != null) {
            codec = "libx264";
            recorder.setVideoCodecName(codec);
            recorder.setVideoOption("preset", "medium");
        } else if (avcodec.avcodec_find_encoder_by_name("libopenh264") != null) {
            codec = "libopenh264";
            recorder.setVideoCodecName(codec);
        } else {
            codec = "mpeg4";
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        }
        recorder.setVideoOption("threads", "1");
        recorder.setMetadata("creation_time",
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").format(creationTime.atZone(ZoneOffset.UTC)));
        recorder.setVideoMetadata("handler_name", "vejsyn render-drive");
        recorder.start();
    }

    /** The encoder in use: {@code libx264}, {@code libopenh264} or {@code mpeg4}. */
    String codec() {
        return codec;
    }

    void write(Mat bgr) throws FrameRecorder.Exception {
        recorder.record(converter.convert(bgr), avutil.AV_PIX_FMT_BGR24);
    }

    @Override
    public void close() throws FrameRecorder.Exception {
        recorder.stop();
        recorder.release();
        converter.close();
    }
}
