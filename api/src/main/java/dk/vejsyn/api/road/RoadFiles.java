package dk.vejsyn.api.road;

import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.locationtech.jts.geom.Coordinate;

/**
 * Reads a road network file, GeoJSON or GeoPackage (the formats GeoDanmark and OpenStreetMap
 * extracts come in), told apart by content: a GeoPackage is an SQLite database.
 */
public final class RoadFiles {
    private RoadFiles() {}

    /**
     * @param nameField the property holding the road's name; null: the first of {@link #NAME_FIELDS} present
     * @param layer the GeoPackage table to read; null: the only feature table
     * @param crs the coordinates' CRS (e.g. {@code EPSG:25832}), overriding what the file declares; null: the file's
     */
    public record Options(String nameField, String layer, String crs) {
        public static final Options DEFAULT = new Options(null, null, null);
    }

    /** Name properties tried in this order when none is given (OSM, GeoDanmark, ours). */
    static final List<String> NAME_FIELDS = List.of("road_name", "name", "vejnavn", "navn", "vejnavn_tekst", "street");

    private static final byte[] SQLITE = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** Reads and checks {@code file}; any problem is an {@link InputException} naming the file and the feature. */
    public static RoadSource read(Path file, Options options) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("road network file not found: " + file);
        }
        byte[] head = new byte[SQLITE.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (n == 0) {
            throw new InputException(file + ": empty file");
        }
        if (n == SQLITE.length && Arrays.equals(head, SQLITE)) {
            return GeoPackageRoads.read(file, options);
        }
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gpkg")) {
            throw new InputException(file + ": not a GeoPackage (no SQLite header)");
        }
        return GeoJsonRoads.read(file, options);
    }

    static String guessNameField(List<String> fields) {
        for (String candidate : NAME_FIELDS) {
            for (String f : fields) {
                if (f.equalsIgnoreCase(candidate)) {
                    return f;
                }
            }
        }
        return null;
    }

    /**
     * Longitude/latitude must be in range: a file in a projected CRS that does not declare it shows
     * up here (EPSG:25832 coordinates are hundreds of thousands of metres).
     */
    static void checkLonLat(String file, int srid, String origin, List<RoadFeature> features) {
        if (srid != 4326) {
            return;
        }
        for (RoadFeature f : features) {
            for (Coordinate c : f.geometry().getCoordinates()) {
                if (Math.abs(c.x) > 180 || Math.abs(c.y) > 90) {
                    throw new InputException(String.format(Locale.ROOT,
                            "%s: feature %s has coordinates (%.1f, %.1f), which are not longitude/latitude, the CRS "
                                    + "assumed from %s; declare the file's CRS (a crs member, as ogr2ogr writes it) or "
                                    + "give it with --crs, e.g. --crs EPSG:25832",
                            file, f.ref(), c.x, c.y, origin));
                }
            }
        }
    }
}
