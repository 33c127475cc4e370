package dk.vejsyn.inference.render;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.geo.CameraModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A drive to render, as read from {@code route.json}:
 *
 * <pre>{@code
 * {
 *   "name": "Niels Bohrs Allé, Odense, northbound",
 *   "start_time": "2026-10-14T09:30:00Z",
 *   "speed_kmh": 36,                        // constant speed, or:
 *   "speed_profile": [{"t_s": 0, "kmh": 30}, {"t_s": 20, "kmh": 40}],   // linear in time
 *   "duration_s": 45,                       // optional; default: to the end of the route
 *   "potholes": 11,                         // optional; default 8..14 from the seed
 *   "weather": "overcast",                  // optional: sunny|overcast|wet|light-rain|haze|dusk
 *   "road_width_m": 6.5, "verge": "pavement", // optional
 *   "altitude_m": 13,                       // optional, for GPX and EXIF
 *   "camera": { ...camera profile JSON... }, // optional; default refuse-truck dashcam
 *   "waypoints": [{"lat": 55.37, "lon": 10.41}, ...]
 * }
 * }</pre>
 *
 * <p>The renderer treats the road as straight along the vehicle's current segment, so a route
 * should follow a straight or gently curving street; see {@link RoutePath}.
 */
public record RouteSpec(String name, Instant startTime, double speedKmh, List<SpeedPoint> speedProfile,
        Double durationS, Integer potholes, String weather, Double roadWidthM, String verge, double altitudeM,
        CameraModel camera, List<Waypoint> waypoints) {

    /** A route point in WGS84 degrees. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Waypoint(@JsonProperty("lat") double lat, @JsonProperty("lon") double lon) {}

    /** Speed at a time since the start. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SpeedPoint(@JsonProperty("t_s") double tS, @JsonProperty("kmh") double kmh) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Json(
            @JsonProperty("name") String name,
            @JsonProperty(value = "start_time", required = true) Instant startTime,
            @JsonProperty("speed_kmh") Double speedKmh,
            @JsonProperty("speed_profile") List<SpeedPoint> speedProfile,
            @JsonProperty("duration_s") Double durationS,
            @JsonProperty("potholes") Integer potholes,
            @JsonProperty("weather") String weather,
            @JsonProperty("road_width_m") Double roadWidthM,
            @JsonProperty("verge") String verge,
            @JsonProperty("altitude_m") Double altitudeM,
            @JsonProperty("camera") JsonNode camera,
            @JsonProperty(value = "waypoints", required = true) List<Waypoint> waypoints) {}

    /** A straight constant-speed route between two points, with defaults for the rest. */
    public static RouteSpec straight(String name, Waypoint from, Waypoint to, double speedKmh, double durationS,
            int potholes, java.time.Instant start) {
        return new RouteSpec(name, start, speedKmh, List.of(), durationS, potholes, null, null, null, 13,
                CameraModel.refuseTruckDashcam(), List.of(from, to));
    }

    /** Reads and checks a route file; problems name the file. */
    public static RouteSpec read(Path file) {
        try {
            ObjectMapper om = new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
            Json j = om.readValue(Files.readAllBytes(file), Json.class);
            if (j.waypoints() == null || j.waypoints().size() < 2) {
                throw new InputException(file + ": at least two waypoints are required");
            }
            for (Waypoint w : j.waypoints()) {
                if (!(Math.abs(w.lat()) <= 90 && Math.abs(w.lon()) <= 180)) {
                    throw new InputException(file + ": waypoint out of range: " + w);
                }
            }
            if (j.speedKmh() == null && (j.speedProfile() == null || j.speedProfile().isEmpty())) {
                throw new InputException(file + ": speed_kmh or speed_profile is required");
            }
            CameraModel cam = j.camera() == null ? CameraModel.refuseTruckDashcam()
                    : CameraModel.fromJson(new ByteArrayInputStream(om.writeValueAsString(j.camera())
                            .getBytes(StandardCharsets.UTF_8)));
            return new RouteSpec(j.name() == null ? file.getFileName().toString() : j.name(), j.startTime(),
                    j.speedKmh() == null ? Double.NaN : j.speedKmh(), j.speedProfile() == null ? List.of() : j.speedProfile(),
                    j.durationS(), j.potholes(), j.weather(), j.roadWidthM(), j.verge(),
                    j.altitudeM() == null ? 13 : j.altitudeM(), cam, j.waypoints());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException("route file not found: " + file, e);
        } catch (IOException e) {
            throw new InputException("cannot read route " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InputException("invalid route " + file + ": " + e.getMessage(), e);
        }
    }

    /** Speed in m/s at {@code t} seconds after the start. */
    public double speedMps(double t) {
        if (speedProfile.isEmpty()) {
            return speedKmh / 3.6;
        }
        SpeedPoint prev = speedProfile.get(0);
        if (t <= prev.tS()) {
            return prev.kmh() / 3.6;
        }
        for (SpeedPoint p : speedProfile) {
            if (t <= p.tS()) {
                double a = (t - prev.tS()) / (p.tS() - prev.tS());
                return (prev.kmh() + a * (p.kmh() - prev.kmh())) / 3.6;
            }
            prev = p;
        }
        return prev.kmh() / 3.6;
    }

    /** The named weather preset, default overcast. */
    public Weather weatherPreset() {
        if (weather == null) {
            return Weather.overcast();
        }
        return switch (weather) {
            case "sunny" -> Weather.sunny();
            case "overcast" -> Weather.overcast();
            case "wet" -> Weather.wet();
            case "light-rain" -> Weather.lightRain();
            case "haze" -> Weather.haze();
            case "dusk" -> Weather.dusk();
            default -> throw new InputException("unknown weather '" + weather
                    + "' (sunny, overcast, wet, light-rain, haze, dusk)");
        };
    }

    /** Road cross-section from the optional fields. */
    public RoadLayout layout() {
        RoadLayout d = RoadLayout.municipalStreet();
        RoadLayout.Verge v = verge == null ? d.verge() : RoadLayout.Verge.valueOf(verge.toUpperCase(java.util.Locale.ROOT));
        return new RoadLayout(roadWidthM == null ? d.widthM() : roadWidthM, true, true, v, d.vergeWidthM());
    }
}
