package dk.vejsyn.inference.frame;

import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.GpsTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Test inputs made by code: videos, geotagged JPEGs, tracks. No binary files in the repository. */
public final class Fixtures {
    /** Aarhus, Denmark: where the trucks drive. */
    public static final double LAT = 56.1572;
    public static final double LON = 10.2107;
    public static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");

    static {
        // The recorder prints its stream layout at INFO level; tests only care about errors.
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    private Fixtures() {}

    /**
     * An H.264 video in an MP4 container. The bytedeco FFmpeg build is LGPL and has no libx264;
     * it encodes H.264 with Cisco's libopenh264, and falls back to MPEG-4 Part 2 should a build
     * lack that. Each frame has a different colour so frames are distinguishable.
     */
    public static Path writeVideo(Path file, int frames, double fps, Instant creationTime, boolean faststart) {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 160, 120);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            String name = file.getFileName().toString();
            recorder.setFormat(name.endsWith(".mkv") ? "matroska" : name.endsWith(".mov") ? "mov" : "mp4");
            var h264 = avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_H264);
            recorder.setVideoCodec(h264 != null && !h264.isNull() ? avcodec.AV_CODEC_ID_H264 : avcodec.AV_CODEC_ID_MPEG4);
            recorder.setVideoBitrate(200_000);
            recorder.setFrameRate(fps);
            recorder.setGopSize(10);
            if (creationTime != null) {
                recorder.setMetadata("creation_time", creationTime.toString());
            }
            if (faststart) {
                recorder.setOption("movflags", "+faststart");
            }
            recorder.start();
            for (int i = 0; i < frames; i++) {
                try (Mat m = new Mat(120, 160, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                        new Scalar(i * 5 % 255, 128, 255 - i * 5 % 255, 0))) {
                    recorder.record(converter.convert(m));
                }
            }
            recorder.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write test video " + file, e);
        }
        return file;
    }

    /** A small plain JPEG (no EXIF). */
    public static byte[] plainJpeg() {
        try (Mat m = new Mat(48, 64, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(40, 90, 160, 0));
             BytePointer buf = new BytePointer()) {
            opencv_imgcodecs.imencode(".jpg", m, buf);
            byte[] bytes = new byte[(int) buf.limit()];
            buf.get(bytes);
            return bytes;
        }
    }

    /** A JPEG with EXIF GPS position, GPS date/time stamp and, if not NaN, GPSImgDirection. */
    public static byte[] geotaggedJpeg(double lat, double lon, Instant time, double headingDeg) {
        try {
            TiffOutputSet set = new TiffOutputSet();
            set.setGpsInDegrees(lon, lat);
            TiffOutputDirectory gps = set.getOrCreateGpsDirectory();
            ZonedDateTime utc = time.atZone(ZoneOffset.UTC);
            gps.add(GpsTagConstants.GPS_TAG_GPS_DATE_STAMP, utc.format(DateTimeFormatter.ofPattern("yyyy:MM:dd")));
            gps.add(GpsTagConstants.GPS_TAG_GPS_TIME_STAMP,
                    RationalNumber.valueOf(utc.getHour()), RationalNumber.valueOf(utc.getMinute()),
                    RationalNumber.valueOf(utc.getSecond()));
            if (!Double.isNaN(headingDeg)) {
                gps.add(GpsTagConstants.GPS_TAG_GPS_IMG_DIRECTION_REF, "T");
                gps.add(GpsTagConstants.GPS_TAG_GPS_IMG_DIRECTION, RationalNumber.valueOf(headingDeg));
            }
            return withExif(set);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JPEG with DateTimeOriginal but no GPS. */
    public static byte[] jpegWithoutGps(Instant time) {
        try {
            TiffOutputSet set = new TiffOutputSet();
            set.getOrCreateExifDirectory().add(ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL,
                    time.atZone(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss")));
            return withExif(set);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] withExif(TiffOutputSet set) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ExifRewriter().updateExifMetadataLossless(plainJpeg(), out, set);
        return out.toByteArray();
    }

    /** Positions along a straight line from (LAT, LON): fix i is {@code i * stepM} metres along {@code bearing}. */
    public static List<GeoTag> straightDrive(double bearingDeg, double stepM, int fixes, double secondsPerFix) {
        List<GeoTag> out = new ArrayList<>();
        for (int i = 0; i < fixes; i++) {
            LatLon p = Georeferencer.destination(LAT, LON, bearingDeg, i * stepM);
            out.add(GeoTag.of(p.lat(), p.lon(), T0.plusMillis(Math.round(i * secondsPerFix * 1000))));
        }
        return out;
    }

    /** {@code $body*hh} with the correct checksum. */
    public static String nmea(String body) {
        int sum = 0;
        for (char c : body.toCharArray()) {
            sum ^= c;
        }
        return "$" + body + String.format(Locale.ROOT, "*%02X", sum);
    }

    /** A GPX 1.1 document with one track segment through the given fixes. */
    public static String gpx(List<GeoTag> fixes) {
        StringBuilder sb = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <gpx version="1.1" creator="vejsyn-test" xmlns="http://www.topografix.com/GPX/1/1">
                  <trk><name>test</name><trkseg>
                """);
        for (GeoTag f : fixes) {
            sb.append(String.format(Locale.ROOT, "    <trkpt lat=\"%.8f\" lon=\"%.8f\"><ele>42.0</ele><time>%s</time></trkpt>%n",
                    f.lat(), f.lon(), f.time()));
        }
        sb.append("  </trkseg></trk>\n</gpx>\n");
        return sb.toString();
    }

    public static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
