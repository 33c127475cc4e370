package dk.vejsyn.api.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dk.vejsyn.api.fleet.HeartbeatRejectedException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Reads and checks a heartbeat body, the same for MQTT and HTTP:
 * {@code {"time":"2026-12-06T11:00:00Z","lat":56.1,"lon":9.5,"agent_version":"0.1.0","mode":"stream",
 * "outbox_items":12,"outbox_bytes":345678,"dropped_items":0,"last_error":null}}. {@code time} is
 * required; {@code lat}/{@code lon} come together or not at all (null: no fix); other fields are
 * optional; unknown fields are ignored (a newer agent may send more).
 */
final class HeartbeatParser {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+-]{1,64}");
    private static final Pattern MODE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    /** Longer last errors are cut: the heartbeat is a summary, the agent's log has the rest. */
    static final int MAX_ERROR_CHARS = 1000;

    private HeartbeatParser() {}

    static Heartbeat parse(byte[] body, Instant now, Duration maxClockSkew) {
        JsonNode n = tree(body);
        if (!n.isObject()) {
            throw new HeartbeatRejectedException(Reason.MALFORMED_JSON, "a heartbeat is a JSON object");
        }
        Instant time = time(n.get("time"), now, maxClockSkew);
        Double lat = number(n, "lat");
        Double lon = number(n, "lon");
        if ((lat == null) != (lon == null)) {
            throw new HeartbeatRejectedException(Reason.IMPOSSIBLE_POSITION,
                    "'lat' and 'lon' come together (both null when there is no GPS fix)");
        }
        if (lat != null && (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) || (lat == 0 && lon == 0))) {
            throw new HeartbeatRejectedException(Reason.IMPOSSIBLE_POSITION,
                    "position out of range: lat " + lat + ", lon " + lon + " (WGS84 degrees; 0,0 is no fix: send null)");
        }
        String version = text(n, "agent_version", VERSION, "up to 64 of A-Z a-z 0-9 . _ + -");
        String mode = text(n, "mode", MODE, "lower-case letters, digits and '-', e.g. stream or edge");
        Long items = count(n, "outbox_items");
        Long bytes = count(n, "outbox_bytes");
        Long dropped = count(n, "dropped_items");
        JsonNode e = n.get("last_error");
        String error = null;
        if (e != null && !e.isNull()) {
            if (!e.isTextual()) {
                throw invalid("'last_error' must be a string or null");
            }
            error = e.asText().length() > MAX_ERROR_CHARS ? e.asText().substring(0, MAX_ERROR_CHARS) + "…" : e.asText();
        }
        return new Heartbeat(time, lat, lon, version, mode, items, bytes, dropped, error);
    }

    private static JsonNode tree(byte[] body) {
        if (body == null || body.length == 0) {
            throw new HeartbeatRejectedException(Reason.MALFORMED_JSON, "empty heartbeat");
        }
        try {
            // Strict UTF-8: Jackson would otherwise replace bad bytes silently.
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            JsonNode n = JSON.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new HeartbeatRejectedException(Reason.MALFORMED_JSON, "empty heartbeat");
            }
            return n;
        } catch (CharacterCodingException ex) {
            throw new HeartbeatRejectedException(Reason.MALFORMED_JSON, "the heartbeat is not UTF-8");
        } catch (JsonProcessingException ex) {
            throw new HeartbeatRejectedException(Reason.MALFORMED_JSON, "not JSON: " + ex.getOriginalMessage());
        } catch (IOException ex) {
            throw new HeartbeatRejectedException(Reason.MALFORMED_JSON, "not JSON: " + ex.getMessage());
        }
    }

    private static Instant time(JsonNode t, Instant now, Duration maxClockSkew) {
        if (t == null || t.isNull()) {
            throw invalid("'time' is required (ISO-8601 instant, e.g. 2026-12-06T11:00:00Z)");
        }
        Instant time;
        try {
            time = Instant.parse(t.asText());
        } catch (DateTimeParseException ex) {
            throw invalid("'time' is not an ISO-8601 instant: " + abbreviate(t.asText()));
        }
        if (time.isBefore(EARLIEST)) {
            throw new HeartbeatRejectedException(Reason.IMPOSSIBLE_TIME, "'time' " + time + " is before 2000: a clock without GPS time");
        }
        if (time.isAfter(now.plus(maxClockSkew))) {
            throw new HeartbeatRejectedException(Reason.IMPOSSIBLE_TIME, "'time' " + time + " is more than "
                    + maxClockSkew + " ahead of the service's clock (" + now + ")");
        }
        return time;
    }

    private static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw invalid("'" + field + "' must be a number (WGS84 degrees) or null");
        }
        return v.asDouble();
    }

    private static Long count(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw invalid("'" + field + "' must be a whole number >= 0");
        }
        return v.asLong();
    }

    private static String text(JsonNode n, String field, Pattern valid, String what) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || !valid.matcher(v.asText()).matches()) {
            throw invalid("'" + field + "' must be " + what + ": " + abbreviate(v.toString()));
        }
        return v.asText();
    }

    private static HeartbeatRejectedException invalid(String detail) {
        return new HeartbeatRejectedException(Reason.INVALID_FIELD, detail);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
