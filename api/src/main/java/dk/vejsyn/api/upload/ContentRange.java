package dk.vejsyn.api.upload;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The byte range of a chunk, from {@code Content-Range: bytes FIRST-LAST/TOTAL} (RFC 9110 §14.4;
 * both ends inclusive).
 */
record ContentRange(long first, long last, long total) {
    private static final Pattern FORM = Pattern.compile("bytes (\\d{1,19})-(\\d{1,19})/(\\d{1,19})");

    /** Bytes in the range. */
    long length() {
        return last - first + 1;
    }

    /** The range of a header value, or null when it is not of the form {@code bytes a-b/n} with {@code a <= b}. */
    static ContentRange parse(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = FORM.matcher(header.strip());
        if (!m.matches()) {
            return null;
        }
        try {
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            long total = Long.parseLong(m.group(3));
            return first <= last ? new ContentRange(first, last, total) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "bytes " + first + "-" + last + "/" + total;
    }
}
