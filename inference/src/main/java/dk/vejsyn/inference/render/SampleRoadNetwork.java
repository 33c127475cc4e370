package dk.vejsyn.inference.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small road network around a rendered drive's route ({@code roads.geojson} beside the drive),
 * so the road-network features have something to rate: the route's own street, extended
 * {@link #BEFORE_M} before the drive's start and {@link #BEYOND_M} beyond the route's end (stretches
 * the drive does not cover), a cross street at the middle waypoint, a side street ending on the
 * route at a quarter of its length (a T junction) and a parallel street {@link #PARALLEL_M} to the
 * left. Only the route's street is driven, so the rest shows as "not inspected". RFC 7946 GeoJSON
 * (longitude/latitude), the street name from the route's name (up to the first comma), the others
 * marked as samples. Deterministic: the same route gives the same bytes.
 */
public final class SampleRoadNetwork {
    static final double BEFORE_M = 80;
    static final double BEYOND_M = 120;
    static final double CROSS_HALF_M = 150;
    static final double SIDE_M = 120;
    static final double PARALLEL_M = 60;

    private SampleRoadNetwork() {}

    /** The network as GeoJSON text. */
    public static String geoJson(RouteSpec spec) {
        RoutePath path = new RoutePath(spec.waypoints());
        double length = path.lengthM();
        String street = spec.name() == null ? "Route" : spec.name().split(",")[0].trim();
        List<String> features = new ArrayList<>();
        // The route's street: before the start, through every waypoint, beyond the end.
        List<double[]> main = new ArrayList<>();
        main.add(at(path, -BEFORE_M, 0));
        for (RouteSpec.Waypoint w : spec.waypoints()) {
            main.add(new double[] {w.lon(), w.lat()});
        }
        main.add(at(path, length + BEYOND_M, 0));
        features.add(feature(1, street, main));
        // A cross street through the middle of the route (a four-way junction).
        double mid = length / 2;
        features.add(feature(2, "Cross street (sample)", List.of(at(path, mid, -CROSS_HALF_M), at(path, mid, CROSS_HALF_M))));
        // A side street ending on the route (a T junction).
        double quarter = length / 4;
        features.add(feature(3, "Side street (sample)", List.of(at(path, quarter, 0), at(path, quarter, SIDE_M))));
        // A parallel street to the left, along the whole route.
        List<double[]> parallel = new ArrayList<>();
        for (double s = -BEFORE_M; s < length + BEYOND_M; s += length / 4) {
            parallel.add(at(path, s, -PARALLEL_M));
        }
        parallel.add(at(path, length + BEYOND_M, -PARALLEL_M));
        features.add(feature(4, "Parallel street (sample)", parallel));
        return "{\"type\": \"FeatureCollection\",\n\"name\": \"roads\",\n\"features\": [\n"
                + String.join(",\n", features) + "\n]}\n";
    }

    /** Writes {@link #geoJson} to {@code file}. */
    public static void write(Path file, RouteSpec spec) {
        try {
            Files.writeString(file, geoJson(spec), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[] at(RoutePath path, double s, double d) {
        double[] p = path.pose(s, d);
        return new double[] {p[1], p[0]};
    }

    private static String feature(int id, String name, List<double[]> lonLat) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "{\"type\": \"Feature\", \"id\": %d, \"properties\": {\"name\": \"%s\", "
                + "\"source\": \"vejsyn render-drive (sample)\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": [", id,
                name.replace("\\", "\\\\").replace("\"", "\\\"")));
        for (int i = 0; i < lonLat.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "[%.7f, %.7f]", lonLat.get(i)[0], lonLat.get(i)[1]));
        }
        return b.append("]}}").toString();
    }
}
