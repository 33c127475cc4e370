package dk.vejsyn.inference.frame.track;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.GeoTag;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * NMEA 0183 logs: RMC (time, date, position, speed, course) and GGA (time, position, altitude).
 * Every sentence's {@code *hh} checksum is verified; other sentence types are ignored.
 *
 * <p>GGA carries only the time of day, so it takes its date from RMC: the most recent RMC's date
 * (the first RMC's for GGAs before it), moved a day on when the time of day wraps past midnight.
 * An RMC and a GGA for the same instant become one fix (position from whichever came first,
 * altitude from GGA, speed and course from RMC). Void fixes (RMC status V, GGA quality 0) are
 * skipped: receivers emit them before they have a position.
 *
 * <p>A small hand parser rather than a library: the two sentences are fixed-layout and the
 * maintained Java NMEA libraries would add a dependency for ~150 lines of code.
 */
final class NmeaTrackReader implements TrackReader {
    private static final double KNOTS_TO_MPS = 1852.0 / 3600.0;

    /** A position sentence before date resolution. */
    private record Sighting(int line, boolean rmc, LocalDate date, LocalTime timeOfDay,
                            double lat, double lon, double speedMps, double courseDeg, double altitudeM) {}

    @Override
    public List<GeoTag> read(Path file) {
        List<Sighting> sightings = new ArrayList<>();
        boolean anyLine = false;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String raw;
            int lineNo = 0;
            while ((raw = in.readLine()) != null) {
                lineNo++;
                String line = raw.strip();
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isEmpty()) {
                    continue;
                }
                anyLine = true;
                String where = file + ": line " + lineNo;
                NmeaSentence s;
                try {
                    s = NmeaSentence.parse(line);
                } catch (IllegalArgumentException e) {
                    throw new InputException(where + ": " + e.getMessage());
                }
                try {
                    Sighting sighting = switch (s.type()) {
                        case "RMC" -> rmc(lineNo, s);
                        case "GGA" -> gga(lineNo, s);
                        default -> null; // GSA, GSV, VTG, …: nothing we need
                    };
                    if (sighting != null) {
                        sightings.add(sighting);
                    }
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    throw new InputException(where + ": malformed " + s.type() + " sentence: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new InputException(file + ": cannot read track: " + e.getMessage(), e);
        }
        if (!anyLine) {
            throw new InputException(file + ": track file is empty");
        }
        if (sightings.isEmpty()) {
            throw new InputException(file + ": no valid RMC or GGA position fixes in this NMEA file");
        }
        return toFixes(file, sightings);
    }

    private static List<GeoTag> toFixes(Path file, List<Sighting> sightings) {
        LocalDate date = sightings.stream().filter(Sighting::rmc).map(Sighting::date).findFirst()
                .orElseThrow(() -> new InputException(file + ": only GGA sentences, which have no date; "
                        + "the log needs RMC sentences to date its fixes"));
        LocalTime firstRmcTime = sightings.stream().filter(Sighting::rmc).findFirst().orElseThrow().timeOfDay();
        // GGAs before the first RMC: if their time of day is later than that RMC's, they were
        // logged before midnight of the previous day.
        boolean beforeFirstRmc = true;
        LocalTime lastTime = null;
        List<GeoTag> fixes = new ArrayList<>();
        Instant previous = null;
        int previousLine = 0;
        for (Sighting s : sightings) {
            LocalDate day;
            if (s.rmc()) {
                beforeFirstRmc = false;
                date = s.date();
                day = date;
            } else if (beforeFirstRmc) {
                day = s.timeOfDay().isAfter(firstRmcTime) ? date.minusDays(1) : date;
            } else {
                if (lastTime != null && s.timeOfDay().isBefore(lastTime.minusHours(12))) {
                    date = date.plusDays(1); // wrapped past midnight since the last sentence
                }
                day = date;
            }
            lastTime = s.timeOfDay();
            Instant time = day.atTime(s.timeOfDay()).toInstant(ZoneOffset.UTC);
            if (previous != null && time.isBefore(previous)) {
                throw new InputException(file + ": line " + s.line() + ": time " + time
                        + " is before the fix on line " + previousLine + " (" + previous + ")");
            }
            GeoTag fix;
            try {
                fix = new GeoTag(s.lat(), s.lon(), s.courseDeg(), s.speedMps(), time, Double.NaN, s.altitudeM());
            } catch (IllegalArgumentException e) {
                throw new InputException(file + ": line " + s.line() + ": " + e.getMessage(), e);
            }
            if (previous != null && time.equals(previous)) {
                fixes.set(fixes.size() - 1, merge(fixes.get(fixes.size() - 1), fix));
            } else {
                fixes.add(fix);
            }
            previous = time;
            previousLine = s.line();
        }
        return fixes;
    }

    /** One epoch reported by RMC and GGA: keep the first position, fill what it lacks. */
    private static GeoTag merge(GeoTag first, GeoTag second) {
        return new GeoTag(first.lat(), first.lon(),
                Double.isNaN(first.headingDeg()) ? second.headingDeg() : first.headingDeg(),
                Double.isNaN(first.speedMps()) ? second.speedMps() : first.speedMps(),
                first.time(),
                Double.isNaN(first.accuracyM()) ? second.accuracyM() : first.accuracyM(),
                Double.isNaN(first.altitudeM()) ? second.altitudeM() : first.altitudeM());
    }

    /** $xxRMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,speed(kn),course,ddmmyy,… */
    private static Sighting rmc(int line, NmeaSentence s) {
        if (!"A".equals(s.field(1))) {
            return null; // V = void: no fix yet
        }
        LocalTime time = timeOfDay(s.field(0));
        double lat = coordinate(s.field(2), s.field(3), 'N', 'S', 2);
        double lon = coordinate(s.field(4), s.field(5), 'E', 'W', 3);
        double speed = s.field(6).isEmpty() ? Double.NaN : Double.parseDouble(s.field(6)) * KNOTS_TO_MPS;
        double course = s.field(7).isEmpty() ? Double.NaN : Double.parseDouble(s.field(7));
        return new Sighting(line, true, date(s.field(8)), time, lat, lon, speed, course, Double.NaN);
    }

    /** $xxGGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,quality,sats,hdop,alt,M,… */
    private static Sighting gga(int line, NmeaSentence s) {
        if (s.field(5).isEmpty() || "0".equals(s.field(5))) {
            return null; // quality 0 = invalid fix
        }
        LocalTime time = timeOfDay(s.field(0));
        double lat = coordinate(s.field(1), s.field(2), 'N', 'S', 2);
        double lon = coordinate(s.field(3), s.field(4), 'E', 'W', 3);
        double alt = s.field(8).isEmpty() ? Double.NaN : Double.parseDouble(s.field(8));
        return new Sighting(line, false, null, time, lat, lon, Double.NaN, Double.NaN, alt);
    }

    private static LocalTime timeOfDay(String hhmmss) {
        if (hhmmss.length() < 6) {
            throw new IllegalArgumentException("time '" + hhmmss + "' is not hhmmss[.ss]");
        }
        int h = Integer.parseInt(hhmmss.substring(0, 2));
        int m = Integer.parseInt(hhmmss.substring(2, 4));
        double sec = Double.parseDouble(hhmmss.substring(4));
        if (h > 23 || m > 59 || sec < 0 || sec >= 61) {
            throw new IllegalArgumentException("time '" + hhmmss + "' out of range");
        }
        long nanos = Math.round(Math.min(sec, 59.999_999_999) * 1e9);
        return LocalTime.of(h, m).plusNanos(nanos);
    }

    private static LocalDate date(String ddmmyy) {
        if (ddmmyy.length() != 6) {
            throw new IllegalArgumentException("date '" + ddmmyy + "' is not ddmmyy");
        }
        int d = Integer.parseInt(ddmmyy.substring(0, 2));
        int m = Integer.parseInt(ddmmyy.substring(2, 4));
        int y = Integer.parseInt(ddmmyy.substring(4, 6));
        // Two-digit years: NMEA 0183 predates 2000; receivers in use today log 20yy.
        return LocalDate.of(y < 80 ? 2000 + y : 1900 + y, m, d);
    }

    /** NMEA (d)ddmm.mmmm plus hemisphere to signed degrees. */
    private static double coordinate(String value, String hemisphere, char positive, char negative, int degreeDigits) {
        if (value.isEmpty() || hemisphere.length() != 1) {
            throw new IllegalArgumentException("missing coordinate");
        }
        int dot = value.indexOf('.');
        int minutesStart = (dot < 0 ? value.length() : dot) - 2;
        if (minutesStart < 1 || minutesStart > degreeDigits) {
            throw new IllegalArgumentException("coordinate '" + value + "' is not in (d)ddmm.mmmm form");
        }
        double degrees = Integer.parseInt(value.substring(0, minutesStart));
        double minutes = Double.parseDouble(value.substring(minutesStart));
        if (minutes >= 60) {
            throw new IllegalArgumentException("coordinate '" + value + "' has " + minutes + " minutes");
        }
        double signed = degrees + minutes / 60.0;
        char h = hemisphere.charAt(0);
        if (h == negative) {
            signed = -signed;
        } else if (h != positive) {
            throw new IllegalArgumentException("hemisphere '" + hemisphere + "' is not " + positive + " or " + negative);
        }
        return signed;
    }
}
