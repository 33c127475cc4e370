package dk.vejsyn.api.upload;

import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The files of a recorded drive as the upload client sends them, and the byte ranges it reads from them. */
final class DriveParts {
    private static final List<String> VIDEO = List.of(".mp4", ".mov", ".mkv", ".avi");
    private static final List<String> TRACK = List.of(".gpx", ".nmea", ".csv");

    private DriveParts() {}

    /**
     * A drive's parts: a zip of geotagged JPEGs ({@code images}), or a folder with one video, its
     * track (the one named like the video, else the only GPX/NMEA/CSV) and optionally
     * {@code camera.json}.
     */
    static Map<String, Path> of(Path drive) {
        Map<String, Path> parts = new LinkedHashMap<>();
        if (Files.isRegularFile(drive) && drive.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            parts.put("images", drive);
            return parts;
        }
        if (!Files.isDirectory(drive)) {
            throw new InputException(drive + ": not a drive folder (video + track) or a zip of geotagged JPEGs");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(drive)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new InputException(drive + ": cannot list: " + e.getMessage(), e);
        }
        List<Path> videos = files.stream().filter(f -> hasExtension(f, VIDEO)).toList();
        if (videos.size() != 1) {
            throw new InputException(drive + ": expected one video (" + String.join(", ", VIDEO) + "), found " + videos.size());
        }
        Path video = videos.get(0);
        String base = stem(video);
        List<Path> tracks = files.stream().filter(f -> hasExtension(f, TRACK)).toList();
        Optional<Path> named = tracks.stream().filter(t -> stem(t).equals(base)).findFirst();
        Path track = named.orElseGet(() -> {
            if (tracks.size() != 1) {
                throw new InputException(drive + ": expected the video's track (" + base + ".gpx/.nmea/.csv) or a single track file, found "
                        + tracks.size());
            }
            return tracks.get(0);
        });
        parts.put("video", video);
        parts.put("track", track);
        if (Files.isRegularFile(drive.resolve("camera.json"))) {
            parts.put("camera", drive.resolve("camera.json"));
        }
        return parts;
    }

    private static boolean hasExtension(Path f, List<String> extensions) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return extensions.stream().anyMatch(n::endsWith);
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    /** {@code length} bytes of {@code file} from byte {@code first}, read as they are sent. */
    static InputStream range(Path file, long first, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(first);
            InputStream in = Channels.newInputStream(ch);
            return new InputStream() {
                long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = in.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = in.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
