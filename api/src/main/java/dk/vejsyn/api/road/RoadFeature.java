package dk.vejsyn.api.road;

import org.locationtech.jts.geom.Geometry;

/**
 * One road as read from a file, before cutting: a LineString or MultiLineString in the file's CRS.
 *
 * @param ref where it came from (feature number, or the GeoPackage row id), for messages
 * @param name the road's name, null when the file has none
 */
public record RoadFeature(String ref, String name, Geometry geometry) {}
