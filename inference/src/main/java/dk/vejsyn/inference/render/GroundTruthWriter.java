package dk.vejsyn.inference.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dk.vejsyn.inference.geo.LatLon;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a scene's ground truth as an RFC 7946 FeatureCollection: one Point per pothole at the
 * centre of its road-aligned bounding rectangle ({@link Footprint#centreS()}, {@code centreD()}),
 * with {@code id}, {@code type: "pothole"}, {@code width_m} (across the road), {@code length_m}
 * (along it), {@code area_m2}, {@code is_damage: true}, {@code is_pothole: true}; then one Point per
 * distractor with its type ({@code crack}, {@code patch}, {@code manhole_cover},
 * {@code road_paint}), {@code is_pothole: false} and {@code is_damage} (true only for cracks).
 * Road coordinates {@code s_m}, {@code d_m} are included for debugging.
 */
final class GroundTruthWriter {
    private GroundTruthWriter() {}

    static void write(Path file, RoadScene scene, RoutePath path, String name, long seed) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode fc = om.createObjectNode();
        fc.put("type", "FeatureCollection");
        fc.put("name", name);
        fc.put("seed", seed);
        fc.put("position_convention", "centre of the object's road-aligned bounding rectangle on the ground");
        ArrayNode features = fc.putArray("features");
        for (Pothole p : scene.potholes()) {
            Footprint f = p.footprint();
            ObjectNode props = feature(features, path.locate(f.centreS(), f.centreD()));
            props.put("id", p.id());
            props.put("type", "pothole");
            props.put("is_damage", true);
            props.put("is_pothole", true);
            sizes(props, f);
            props.put("water", p.water() > 0);
        }
        for (Distractor x : scene.distractors()) {
            Footprint f = x.footprint();
            ObjectNode props = feature(features, path.locate(f.centreS(), f.centreD()));
            props.put("id", x.id());
            props.put("type", x.kind().wireName());
            props.put("is_damage", x.kind().isDamage());
            props.put("is_pothole", false);
            sizes(props, f);
        }
        om.writeValue(file.toFile(), fc);
    }

    private static ObjectNode feature(ArrayNode features, LatLon at) {
        ObjectNode f = features.addObject();
        f.put("type", "Feature");
        ObjectNode g = f.putObject("geometry");
        g.put("type", "Point");
        ArrayNode c = g.putArray("coordinates");
        c.add(round(at.lon(), 1e9));
        c.add(round(at.lat(), 1e9));
        return f.putObject("properties");
    }

    private static void sizes(ObjectNode props, Footprint f) {
        props.put("width_m", round(f.widthM(), 1000));
        props.put("length_m", round(f.lengthM(), 1000));
        props.put("area_m2", round(f.areaM2(), 10000));
        props.put("s_m", round(f.centreS(), 1000));
        props.put("d_m", round(f.centreD(), 1000));
    }

    private static double round(double v, double scale) {
        return Math.rint(v * scale) / scale;
    }
}
