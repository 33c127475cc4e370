package dk.vejsyn.api.road;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;

/**
 * Reads roads from GeoJSON: a FeatureCollection (or one Feature) of LineStrings and
 * MultiLineStrings. RFC 7946 GeoJSON is longitude/latitude (EPSG:4326); files in another CRS must
 * say so in the pre-RFC {@code crs} member ({@code "crs": {"type": "name", "properties": {"name":
 * "urn:ogc:def:crs:EPSG::25832"}}}, as {@code ogr2ogr} writes it) or be read with an explicit CRS.
 * A file without either whose coordinates cannot be longitude/latitude is refused rather than
 * guessed.
 */
final class GeoJsonRoads {
    private GeoJsonRoads() {}

    static RoadSource read(Path file, RoadFiles.Options options) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = new ObjectMapper().readTree(in);
        } catch (JsonProcessingException e) {
            throw new InputException(file + ": not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(file + ": not a GeoJSON object");
        }
        String type = root.path("type").asText("");
        List<JsonNode> features = new ArrayList<>();
        if (type.equals("FeatureCollection")) {
            root.path("features").forEach(features::add);
        } else if (type.equals("Feature")) {
            features.add(root);
        } else {
            throw new InputException(file + ": GeoJSON of type '" + type + "'; a road network is a FeatureCollection of LineStrings");
        }
        if (features.isEmpty()) {
            throw new InputException(file + ": no features; a road network needs at least one road");
        }
        int srid;
        String origin;
        if (options.crs() != null) {
            srid = Crs.parse(options.crs(), "--crs");
            origin = "--crs";
        } else if (root.hasNonNull("crs")) {
            srid = Crs.parse(root.path("crs").path("properties").path("name").asText(null), file + ": crs member");
            origin = "the file's crs member";
        } else {
            srid = 4326;
            origin = "GeoJSON default (RFC 7946)";
        }
        GeometryFactory gf = new GeometryFactory();
        String nameField = options.nameField();
        boolean nameFound = false;
        List<RoadFeature> out = new ArrayList<>(features.size());
        for (int i = 0; i < features.size(); i++) {
            JsonNode f = features.get(i);
            String where = file + ": feature " + (i + 1);
            JsonNode g = f.path("geometry");
            if (g.isMissingNode() || g.isNull()) {
                throw new InputException(where + " has no geometry; a road network needs LineString or MultiLineString");
            }
            String gt = g.path("type").asText("");
            Geometry geometry = switch (gt) {
                case "LineString" -> line(gf, g.path("coordinates"), where);
                case "MultiLineString" -> {
                    List<LineString> parts = new ArrayList<>();
                    for (JsonNode p : g.path("coordinates")) {
                        parts.add(line(gf, p, where));
                    }
                    if (parts.isEmpty()) {
                        throw new InputException(where + ": empty MultiLineString");
                    }
                    yield gf.createMultiLineString(parts.toArray(LineString[]::new));
                }
                default -> throw new InputException(where + " is a " + (gt.isEmpty() ? "geometry without type" : gt)
                        + "; a road network needs LineString or MultiLineString");
            };
            JsonNode props = f.path("properties");
            String name = null;
            String field = nameField != null ? nameField : RoadFiles.guessNameField(fieldNames(props));
            if (field != null && props.hasNonNull(field)) {
                name = props.get(field).asText();
                nameFound = true;
            }
            String ref = f.hasNonNull("id") ? f.get("id").asText() : String.valueOf(i + 1);
            out.add(new RoadFeature(ref, name, geometry));
        }
        if (nameField != null && !nameFound) {
            throw new InputException(file + ": no feature has the property '" + nameField + "' (--name-field)");
        }
        RoadFiles.checkLonLat(file.toString(), srid, origin, out);
        return new RoadSource(file.toString(), srid, origin, out);
    }

    private static List<String> fieldNames(JsonNode props) {
        List<String> names = new ArrayList<>();
        props.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static LineString line(GeometryFactory gf, JsonNode coords, String where) {
        if (!coords.isArray() || coords.size() < 2) {
            throw new InputException(where + ": a LineString needs at least two positions");
        }
        Coordinate[] cs = new Coordinate[coords.size()];
        for (int i = 0; i < cs.length; i++) {
            JsonNode p = coords.get(i);
            if (!p.isArray() || p.size() < 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                throw new InputException(where + ": position " + (i + 1) + " is not [x, y]");
            }
            double x = p.get(0).asDouble();
            double y = p.get(1).asDouble();
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new InputException(where + ": position " + (i + 1) + " is not finite");
            }
            cs[i] = new Coordinate(x, y);
        }
        return gf.createLineString(cs);
    }
}
