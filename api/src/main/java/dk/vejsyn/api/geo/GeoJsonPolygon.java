package dk.vejsyn.api.geo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;

/**
 * A validated GeoJSON (RFC 7946) Polygon or MultiPolygon in lon/lat, kept as its GeoJSON text for
 * {@code ST_GeomFromGeoJSON}. Accepts a bare geometry or a Feature holding one.
 */
public record GeoJsonPolygon(String geoJson) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GeometryFactory GEOMETRY = new GeometryFactory(new PrecisionModel(), 4326);

    public static GeoJsonPolygon parse(String text) {
        try {
            return of(JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.invalidPolygon("polygon is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static GeoJsonPolygon of(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw ApiException.invalidPolygon("polygon must be a GeoJSON Polygon or MultiPolygon object");
        }
        if ("Feature".equals(node.path("type").asText())) {
            node = node.path("geometry");
        }
        String type = node.path("type").asText();
        JsonNode coords = node.path("coordinates");
        Geometry g;
        if ("Polygon".equals(type)) {
            g = polygon(coords);
        } else if ("MultiPolygon".equals(type)) {
            if (!coords.isArray() || coords.isEmpty()) {
                throw ApiException.invalidPolygon("MultiPolygon needs at least one polygon");
            }
            List<Polygon> ps = new ArrayList<>();
            coords.forEach(p -> ps.add(polygon(p)));
            g = GEOMETRY.createMultiPolygon(ps.toArray(Polygon[]::new));
        } else {
            throw ApiException.invalidPolygon("geometry type must be Polygon or MultiPolygon, got '" + type + "'");
        }
        if (!g.isValid()) {
            throw ApiException.invalidPolygon("polygon is not valid (self-intersecting or holes outside the shell)");
        }
        ObjectMapper m = JSON;
        return new GeoJsonPolygon(m.createObjectNode().put("type", type).set("coordinates", coords).toString());
    }

    private static Polygon polygon(JsonNode rings) {
        if (!rings.isArray() || rings.isEmpty()) {
            throw ApiException.invalidPolygon("Polygon needs at least one linear ring");
        }
        List<LinearRing> lr = new ArrayList<>();
        for (JsonNode ring : rings) {
            if (!ring.isArray() || ring.size() < 4) {
                throw ApiException.invalidPolygon("a linear ring needs at least 4 positions");
            }
            Coordinate[] cs = new Coordinate[ring.size()];
            for (int i = 0; i < ring.size(); i++) {
                JsonNode p = ring.get(i);
                if (!p.isArray() || p.size() < 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                    throw ApiException.invalidPolygon("a position must be [lon, lat]");
                }
                double lon = p.get(0).asDouble();
                double lat = p.get(1).asDouble();
                if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
                    throw ApiException.coordinatesOutOfRange(
                            "position [" + lon + ", " + lat + "] out of range (lon in [-180, 180], lat in [-90, 90])");
                }
                cs[i] = new Coordinate(lon, lat);
            }
            if (!cs[0].equals2D(cs[cs.length - 1])) {
                throw ApiException.invalidPolygon("linear ring is not closed: its first and last positions differ");
            }
            lr.add(GEOMETRY.createLinearRing(cs));
        }
        return GEOMETRY.createPolygon(lr.get(0), lr.subList(1, lr.size()).toArray(LinearRing[]::new));
    }
}
