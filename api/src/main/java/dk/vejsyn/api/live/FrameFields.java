package dk.vejsyn.api.live;

import dk.vejsyn.inference.frame.GeoTag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The wire format of a live frame's metadata, shared by both transports: MQTT 5 user properties
 * and HTTP query parameters of the same names.
 *
 * <table>
 * <caption>fields</caption>
 * <tr><td>{@value #FRAME_ID}</td><td>required; the vehicle's id for the frame, {@code [A-Za-z0-9._:-]{1,128}}</td></tr>
 * <tr><td>{@value #LAT}, {@value #LON}</td><td>required; WGS84 degrees</td></tr>
 * <tr><td>{@value #TIME}</td><td>required; capture time, ISO-8601 instant ({@code 2026-10-14T09:30:00.5Z})</td></tr>
 * <tr><td>{@value #HEADING}</td><td>degrees clockwise from north; without it no observation can be placed</td></tr>
 * <tr><td>{@value #SPEED}</td><td>m/s</td></tr>
 * <tr><td>{@value #ACCURACY}</td><td>horizontal GPS accuracy, metres</td></tr>
 * </table>
 */
public final class FrameFields {
    public static final String FRAME_ID = "frame-id";
    public static final String LAT = "lat";
    public static final String LON = "lon";
    public static final String HEADING = "heading";
    public static final String SPEED = "speed";
    public static final String TIME = "time";
    public static final String ACCURACY = "accuracy";

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final Pattern VEHICLE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Pattern MUNICIPALITY = Pattern.compile("[0-9]{3}");
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** Faster than any road vehicle; a GPS glitch otherwise. */
    private static final double MAX_SPEED_MPS = 100;

    private FrameFields() {}

    /** Whether {@code vehicle} is a valid vehicle id ({@code [A-Za-z0-9._-]{1,64}}). */
    public static boolean isValidVehicle(String vehicle) {
        return vehicle != null && VEHICLE.matcher(vehicle).matches();
    }

    /**
     * Validates a frame's ids and metadata (not its pixels).
     *
     * @param field the value of a metadata field by name, {@code null} when absent
     * @throws FrameRejectedException with the reason
     */
    public static FrameMessage parse(String municipality, String vehicle, Function<String, String> field,
            byte[] jpeg, Transport transport, Duration maxClockSkew, Duration maxAge, Clock clock) {
        Instant received = clock.instant();
        if (municipality == null || !MUNICIPALITY.matcher(municipality).matches()) {
            throw new FrameRejectedException(RejectReason.INVALID_ID,
                    "municipality must be a three-digit code: " + abbreviate(municipality));
        }
        if (vehicle == null || !VEHICLE.matcher(vehicle).matches()) {
            throw new FrameRejectedException(RejectReason.INVALID_ID,
                    "vehicle id must match [A-Za-z0-9._-]{1,64}: " + abbreviate(vehicle));
        }
        String frameId = trim(field.apply(FRAME_ID));
        if (frameId == null) {
            throw new FrameRejectedException(RejectReason.MISSING_FRAME_ID, "no " + FRAME_ID);
        }
        if (!ID.matcher(frameId).matches()) {
            throw new FrameRejectedException(RejectReason.INVALID_ID,
                    FRAME_ID + " must match [A-Za-z0-9._:-]{1,128}: " + abbreviate(frameId));
        }
        String lat = trim(field.apply(LAT));
        String lon = trim(field.apply(LON));
        String time = trim(field.apply(TIME));
        if (lat == null || lon == null || time == null) {
            throw new FrameRejectedException(RejectReason.MISSING_GEOTAG,
                    "a frame needs " + LAT + ", " + LON + " and " + TIME + " (missing: "
                            + (lat == null ? LAT + " " : "") + (lon == null ? LON + " " : "")
                            + (time == null ? TIME : "").strip() + ")");
        }
        double la = number(LAT, lat);
        double lo = number(LON, lon);
        double heading = optionalNumber(HEADING, field.apply(HEADING));
        double speed = optionalNumber(SPEED, field.apply(SPEED));
        double accuracy = optionalNumber(ACCURACY, field.apply(ACCURACY));
        Instant t;
        try {
            t = Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw new FrameRejectedException(RejectReason.MALFORMED_GEOTAG, TIME + " is not an ISO-8601 instant: " + abbreviate(time));
        }
        if (!(Math.abs(la) <= 90) || !(Math.abs(lo) <= 180)) {
            throw new FrameRejectedException(RejectReason.IMPOSSIBLE_GEOTAG,
                    "position out of range: lat " + lat + ", lon " + lon);
        }
        if (la == 0 && lo == 0) {
            throw new FrameRejectedException(RejectReason.IMPOSSIBLE_GEOTAG, "position 0,0 (no GPS fix)");
        }
        if (Double.isInfinite(heading) || speed < 0 || speed > MAX_SPEED_MPS || accuracy < 0 || Double.isInfinite(accuracy)) {
            throw new FrameRejectedException(RejectReason.IMPOSSIBLE_GEOTAG,
                    "heading, speed or accuracy out of range: " + heading + ", " + speed + ", " + accuracy);
        }
        if (t.isBefore(EARLIEST) || t.isAfter(received.plus(maxClockSkew))) {
            throw new FrameRejectedException(RejectReason.IMPOSSIBLE_GEOTAG,
                    "capture time " + t + " is before 2000 or in the future");
        }
        if (t.isBefore(received.minus(maxAge))) {
            throw new FrameRejectedException(RejectReason.TOO_OLD, "capture time " + t + " is more than "
                    + maxAge.toDays() + " days ago (the inbox retention): send old footage as an upload");
        }
        if (jpeg == null || jpeg.length == 0) {
            throw new FrameRejectedException(RejectReason.EMPTY_PAYLOAD, "no JPEG data");
        }
        GeoTag tag = new GeoTag(la, lo, heading, speed, t, accuracy, Double.NaN);
        return new FrameMessage(municipality, vehicle, frameId, tag, jpeg, transport, received);
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new FrameRejectedException(RejectReason.MALFORMED_GEOTAG, name + " is not a number: " + abbreviate(value));
        }
    }

    private static double optionalNumber(String name, String value) {
        String v = trim(value);
        return v == null ? Double.NaN : number(name, v);
    }

    private static String trim(String s) {
        if (s == null) {
            return null;
        }
        s = s.strip();
        return s.isEmpty() ? null : s;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
