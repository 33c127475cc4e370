package dk.vejsyn.inference.geo;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The wire format of one observation a vehicle made on board (the agent's {@code edge} mode): its
 * fields as MQTT 5 user properties or HTTP query parameters of the same names, and its evidence
 * crop (damage region only, never the whole frame) as the payload. One format for the sender
 * (the vehicle agent) and the receiver (the service), so it lives beside {@link Observation}.
 *
 * <p>Why not JSON with the crop in base64: as for live frames, base64 adds a third to every crop
 * on the mobile link, and user properties are readable without touching the payload.
 *
 * <table>
 * <caption>fields</caption>
 * <tr><td>{@value #OBSERVATION_ID}</td><td>the vehicle's id for the observation, {@code [A-Za-z0-9._:-]{1,128}}; stored once per vehicle</td></tr>
 * <tr><td>{@value #FRAME_ID}</td><td>the vehicle's id for the frame it was seen in</td></tr>
 * <tr><td>{@value #DRIVE}</td><td>the vehicle's id for the drive (one agent run), {@code [A-Za-z0-9._:-]{1,128}}</td></tr>
 * <tr><td>{@value #TYPE}, {@value #SCORE}</td><td>damage type ({@code pothole}), model score in [0, 1]</td></tr>
 * <tr><td>{@value #LAT}, {@value #LON}</td><td>the damage's WGS84 position</td></tr>
 * <tr><td>{@value #DISTANCE}, {@value #WIDTH}, {@value #LENGTH}, {@value #AREA}</td><td>metres, square metres</td></tr>
 * <tr><td>{@value #BOX}</td><td>{@code x1,y1,x2,y2} in frame pixels</td></tr>
 * <tr><td>{@value #VEHICLE_LAT}, {@value #VEHICLE_LON}, {@value #HEADING}, {@value #SPEED}, {@value #ACCURACY}, {@value #TIME}</td>
 * <td>the vehicle at capture (heading, speed and accuracy optional)</td></tr>
 * </table>
 */
public final class ObservationFields {
    public static final String OBSERVATION_ID = "observation-id";
    public static final String FRAME_ID = "frame-id";
    public static final String DRIVE = "drive";
    public static final String TYPE = "type";
    public static final String SCORE = "score";
    public static final String LAT = "lat";
    public static final String LON = "lon";
    public static final String DISTANCE = "distance";
    public static final String WIDTH = "width";
    public static final String LENGTH = "length";
    public static final String AREA = "area";
    public static final String BOX = "box";
    public static final String VEHICLE_LAT = "vehicle-lat";
    public static final String VEHICLE_LON = "vehicle-lon";
    public static final String HEADING = "heading";
    public static final String SPEED = "speed";
    public static final String ACCURACY = "accuracy";
    public static final String TIME = "time";

    /** Ids on the wire: the same alphabet as live frame ids. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private ObservationFields() {}

    /** One observation as it arrived: the vehicle's ids for it and the observation itself. */
    public record Received(String observationId, String frameId, String drive, Observation observation) {}

    /** The wire fields of {@code o}, seen in frame {@code frameId} of drive {@code drive}. */
    public static Map<String, String> of(String observationId, String frameId, String drive, Observation o) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(OBSERVATION_ID, observationId);
        f.put(FRAME_ID, frameId);
        f.put(DRIVE, drive);
        f.put(TYPE, o.type().wireName());
        f.put(SCORE, Float.toString(o.score()));
        f.put(LAT, Double.toString(o.position().lat()));
        f.put(LON, Double.toString(o.position().lon()));
        f.put(DISTANCE, Double.toString(o.distanceM()));
        f.put(WIDTH, Double.toString(o.widthM()));
        f.put(LENGTH, Double.toString(o.lengthM()));
        f.put(AREA, Double.toString(o.areaM2()));
        PixelBox b = o.box();
        f.put(BOX, b.x1() + "," + b.y1() + "," + b.x2() + "," + b.y2());
        GeoTag v = o.vehicle();
        f.put(VEHICLE_LAT, Double.toString(v.lat()));
        f.put(VEHICLE_LON, Double.toString(v.lon()));
        if (v.hasHeading()) {
            f.put(HEADING, Double.toString(v.headingDeg()));
        }
        if (!Double.isNaN(v.speedMps())) {
            f.put(SPEED, Double.toString(v.speedMps()));
        }
        if (!Double.isNaN(v.accuracyM())) {
            f.put(ACCURACY, Double.toString(v.accuracyM()));
        }
        f.put(TIME, v.time().toString());
        return f;
    }

    /**
     * Parses and validates an observation.
     *
     * @param field a field's value by name, {@code null} when absent
     * @param crop the evidence crop (JPEG), may be empty
     * @param source the observation's source in the store (e.g. {@code edge/truck-7/frame-id})
     * @param frameIndex its frame index in the store
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static Received parse(Function<String, String> field, byte[] crop, Function<String, String> source,
            long frameIndex) {
        String id = id(field, OBSERVATION_ID);
        String frameId = id(field, FRAME_ID);
        String drive = id(field, DRIVE);
        DamageType type;
        try {
            type = DamageType.fromName(required(field, TYPE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TYPE + ": " + e.getMessage());
        }
        double score = number(field, SCORE, true);
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException(SCORE + " must be in [0, 1]: " + score);
        }
        double lat = number(field, LAT, true);
        double lon = number(field, LON, true);
        double vLat = number(field, VEHICLE_LAT, true);
        double vLon = number(field, VEHICLE_LON, true);
        for (double[] p : new double[][] {{lat, lon}, {vLat, vLon}}) {
            if (!(Math.abs(p[0]) <= 90) || !(Math.abs(p[1]) <= 180) || (p[0] == 0 && p[1] == 0)) {
                throw new IllegalArgumentException("position out of range: " + p[0] + ", " + p[1]);
            }
        }
        double distance = nonNegative(field, DISTANCE);
        double width = nonNegative(field, WIDTH);
        double length = nonNegative(field, LENGTH);
        double area = nonNegative(field, AREA);
        String[] box = required(field, BOX).split(",");
        if (box.length != 4) {
            throw new IllegalArgumentException(BOX + " must be x1,y1,x2,y2");
        }
        PixelBox pixels;
        try {
            pixels = new PixelBox(Double.parseDouble(box[0]), Double.parseDouble(box[1]), Double.parseDouble(box[2]),
                    Double.parseDouble(box[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BOX + " is not four numbers: " + abbreviate(field.apply(BOX)));
        }
        Instant time;
        try {
            time = Instant.parse(required(field, TIME));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(TIME + " is not an ISO-8601 instant: " + abbreviate(field.apply(TIME)));
        }
        double heading = number(field, HEADING, false);
        double speed = number(field, SPEED, false);
        double accuracy = number(field, ACCURACY, false);
        if (speed < 0 || accuracy < 0 || Double.isInfinite(heading)) {
            throw new IllegalArgumentException("heading, speed or accuracy out of range");
        }
        GeoTag vehicle = new GeoTag(vLat, vLon, heading, speed, time, accuracy, Double.NaN);
        Observation o = new Observation(type, (float) score, new LatLon(lat, lon), distance, width, length, area, vehicle,
                source.apply(frameId), frameIndex, pixels, crop == null || crop.length == 0 ? null : crop);
        return new Received(id, frameId, drive, o);
    }

    private static String id(Function<String, String> field, String name) {
        String v = required(field, name);
        if (!ID.matcher(v).matches()) {
            throw new IllegalArgumentException(name + " must match [A-Za-z0-9._:-]{1,128}: " + abbreviate(v));
        }
        return v;
    }

    private static String required(Function<String, String> field, String name) {
        String v = field.apply(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v.strip();
    }

    private static double nonNegative(Function<String, String> field, String name) {
        double v = number(field, name, true);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0: " + v);
        }
        return v;
    }

    private static double number(Function<String, String> field, String name, boolean required) {
        String v = required ? required(field, name) : field.apply(name);
        if (v == null || v.isBlank()) {
            return Double.NaN;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (required && !Double.isFinite(d)) {
                throw new IllegalArgumentException(name + " must be finite: " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + abbreviate(v));
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
