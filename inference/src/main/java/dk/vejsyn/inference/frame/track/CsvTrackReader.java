package dk.vejsyn.inference.frame.track;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.GeoTag;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CSV tracks with a header naming the columns {@code time,lat,lon} and optionally
 * {@code heading} (degrees from north) and {@code speed} (m/s), in any order; other columns are
 * ignored. {@code time} is an ISO-8601 instant with zone ({@code 2026-05-04T08:15:02.5Z},
 * {@code …+02:00}) or epoch seconds ({@code 1777882502.5}). Empty heading/speed cells mean
 * unknown. Commas only, no quoting: these files come from loggers, not spreadsheets.
 */
final class CsvTrackReader implements TrackReader {

    @Override
    public List<GeoTag> read(Path file) {
        List<GeoTag> fixes = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String raw;
            int lineNo = 0;
            Map<String, Integer> columns = null;
            Instant previous = null;
            while ((raw = in.readLine()) != null) {
                lineNo++;
                String line = lineNo == 1 && raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (columns == null) {
                    columns = header(file, lineNo, cells);
                    continue;
                }
                String where = file + ": line " + lineNo;
                GeoTag fix = row(where, columns, cells);
                if (previous != null && fix.time().isBefore(previous)) {
                    throw new InputException(where + ": time " + fix.time() + " is before the previous row's " + previous);
                }
                previous = fix.time();
                fixes.add(fix);
            }
            if (columns == null) {
                throw new InputException(file + ": track file is empty");
            }
        } catch (IOException e) {
            throw new InputException(file + ": cannot read track: " + e.getMessage(), e);
        }
        if (fixes.isEmpty()) {
            throw new InputException(file + ": CSV track has a header but no rows");
        }
        return fixes;
    }

    private static Map<String, Integer> header(Path file, int lineNo, String[] cells) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < cells.length; i++) {
            columns.putIfAbsent(cells[i].strip().toLowerCase(Locale.ROOT), i);
        }
        for (String required : List.of("time", "lat", "lon")) {
            if (!columns.containsKey(required)) {
                throw new InputException(file + ": line " + lineNo + ": CSV header must name the columns "
                        + "time,lat,lon[,heading,speed]; '" + required + "' is missing");
            }
        }
        return columns;
    }

    private static GeoTag row(String where, Map<String, Integer> columns, String[] cells) {
        Instant time = time(where, cell(where, columns, cells, "time"));
        double lat = number(where, "lat", cell(where, columns, cells, "lat"));
        double lon = number(where, "lon", cell(where, columns, cells, "lon"));
        if (!(lat >= -90 && lat <= 90)) {
            throw new InputException(where + ": latitude " + lat + " out of range [-90, 90]");
        }
        if (!(lon >= -180 && lon <= 180)) {
            throw new InputException(where + ": longitude " + lon + " out of range [-180, 180]");
        }
        double heading = optional(where, columns, cells, "heading");
        double speed = optional(where, columns, cells, "speed");
        try {
            return new GeoTag(lat, lon, heading, speed, time, Double.NaN, Double.NaN);
        } catch (IllegalArgumentException e) {
            throw new InputException(where + ": " + e.getMessage(), e);
        }
    }

    private static String cell(String where, Map<String, Integer> columns, String[] cells, String name) {
        int i = columns.get(name);
        if (i >= cells.length) {
            throw new InputException(where + ": has " + cells.length + " cells, no '" + name + "' column");
        }
        String value = cells[i].strip();
        if (value.isEmpty()) {
            throw new InputException(where + ": '" + name + "' is empty");
        }
        return value;
    }

    private static double optional(String where, Map<String, Integer> columns, String[] cells, String name) {
        Integer i = columns.get(name);
        if (i == null || i >= cells.length || cells[i].isBlank()) {
            return Double.NaN;
        }
        return number(where, name, cells[i].strip());
    }

    private static double number(String where, String name, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new InputException(where + ": '" + name + "' is not a number: '" + value + "'");
        }
    }

    private static Instant time(String where, String value) {
        if (value.matches("[0-9]+(\\.[0-9]+)?")) {
            // Epoch seconds; BigDecimal keeps sub-second digits exact.
            BigDecimal seconds = new BigDecimal(value);
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InputException(where + ": time '" + value
                    + "' is neither an ISO-8601 instant with zone (2026-05-04T08:15:02Z) nor epoch seconds");
        }
    }
}
