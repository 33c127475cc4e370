package dk.vejsyn.inference.frame.track;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One NMEA 0183 sentence, checksum verified: {@code $GPRMC,...*hh}. Talker ids (GP, GN, GL, GA,
 * BD…) are ignored so that multi-constellation receivers ({@code $GNRMC}) read like GPS ones.
 */
record NmeaSentence(String type, List<String> fields) {

    /**
     * Parses {@code line} (without line terminator).
     *
     * @throws IllegalArgumentException with a message fit for the user if the line is not a
     *     sentence or its checksum is missing or wrong
     */
    static NmeaSentence parse(String line) {
        if (!line.startsWith("$")) {
            throw new IllegalArgumentException("not an NMEA sentence (must start with '$')");
        }
        int star = line.lastIndexOf('*');
        if (star < 0) {
            throw new IllegalArgumentException("missing checksum (*hh)");
        }
        String given = line.substring(star + 1).strip();
        if (given.length() != 2) {
            throw new IllegalArgumentException("malformed checksum '*" + given + "'");
        }
        int expected;
        try {
            expected = Integer.parseInt(given, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed checksum '*" + given + "'");
        }
        String body = line.substring(1, star);
        int actual = 0;
        for (int i = 0; i < body.length(); i++) {
            actual ^= body.charAt(i);
        }
        if (actual != expected) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "bad checksum: sentence says *%02X, content gives *%02X", expected, actual));
        }
        String[] parts = body.split(",", -1);
        String address = parts[0];
        // Proprietary sentences ($P…) have no talker id; everything else is 2 letters + type.
        String type = address.startsWith("P") || address.length() < 5
                ? address
                : address.substring(address.length() - 3);
        return new NmeaSentence(type, Arrays.asList(parts).subList(1, parts.length));
    }

    /** Field {@code i} (0 = first after the address), or "" if the sentence is shorter. */
    String field(int i) {
        return i < fields.size() ? fields.get(i).strip() : "";
    }
}
