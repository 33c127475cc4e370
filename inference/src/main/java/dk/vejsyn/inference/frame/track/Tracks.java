package dk.vejsyn.inference.frame.track;

import dk.vejsyn.inference.InputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a GPS track file in whichever supported format it is: GPX 1.1, NMEA 0183 (RMC, GGA) or
 * CSV ({@code time,lat,lon[,heading,speed]}).
 *
 * <p>The format is chosen by extension ({@code .gpx}; {@code .nmea}, {@code .nma}, {@code .log};
 * {@code .csv}); for other extensions by the first non-blank characters ({@code <} GPX,
 * {@code $} NMEA, a header starting with {@code time} CSV).
 */
public final class Tracks {

    private Tracks() {}

    /** The track in {@code file}, with the default heading window (2 m). */
    public static Track read(Path file) {
        return read(file, 2.0);
    }

    /**
     * The track in {@code file}.
     *
     * @throws InputException if the file is missing, empty, of unknown format or malformed
     */
    public static Track read(Path file, double minHeadingTravelM) {
        return new Track(file.toString(), readerFor(file).read(file), minHeadingTravelM);
    }

    /** The reader for {@code file}'s format. */
    public static TrackReader readerFor(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + ": track file not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gpx")) {
            return new GpxTrackReader();
        }
        if (name.endsWith(".nmea") || name.endsWith(".nma") || name.endsWith(".log")) {
            return new NmeaTrackReader();
        }
        if (name.endsWith(".csv")) {
            return new CsvTrackReader();
        }
        String start = firstNonBlank(file);
        if (start.startsWith("<")) {
            return new GpxTrackReader();
        }
        if (start.startsWith("$")) {
            return new NmeaTrackReader();
        }
        if (start.toLowerCase(Locale.ROOT).startsWith("time")) {
            return new CsvTrackReader();
        }
        throw new InputException(file + ": unknown track format (expected GPX, NMEA 0183 or CSV with header "
                + "time,lat,lon[,heading,speed])");
    }

    private static String firstNonBlank(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = in.readLine()) != null) {
                String t = line.strip();
                if (t.startsWith("\uFEFF") || t.startsWith("ï»¿")) {
                    t = t.substring(t.startsWith("\uFEFF") ? 1 : 3).strip();
                }
                if (!t.isEmpty()) {
                    return t;
                }
            }
        } catch (IOException e) {
            throw new InputException(file + ": cannot read track: " + e.getMessage(), e);
        }
        throw new InputException(file + ": track file is empty");
    }
}
