package dk.vejsyn.inference.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.geo.LatLon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects of a rendered drive's {@code ground-truth.geojson}, for evaluations: each with id,
 * type, true position (centre of its road-aligned bounding rectangle) and size.
 */
public record GroundTruth(List<Item> items) {

    /** One object: {@code type} is {@code pothole} or a distractor type. */
    public record Item(String id, String type, LatLon position, double widthM, double lengthM, double areaM2,
            boolean isPothole) {}

    public GroundTruth {
        items = List.copyOf(items);
    }

    /** Only the potholes. */
    public List<Item> potholes() {
        return items.stream().filter(Item::isPothole).toList();
    }

    public static GroundTruth read(Path geojson) {
        try {
            JsonNode root = new ObjectMapper().readTree(geojson.toFile());
            List<Item> items = new ArrayList<>();
            for (JsonNode f : root.path("features")) {
                JsonNode c = f.path("geometry").path("coordinates");
                JsonNode p = f.path("properties");
                items.add(new Item(p.path("id").asText(), p.path("type").asText(),
                        new LatLon(c.get(1).asDouble(), c.get(0).asDouble()), p.path("width_m").asDouble(),
                        p.path("length_m").asDouble(), p.path("area_m2").asDouble(),
                        "pothole".equals(p.path("type").asText())));
            }
            return new GroundTruth(items);
        } catch (IOException | RuntimeException e) {
            throw new InputException("cannot read ground truth " + geojson + ": " + e.getMessage(), e);
        }
    }
}
