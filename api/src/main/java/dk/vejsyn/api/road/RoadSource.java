package dk.vejsyn.api.road;

import java.util.List;

/**
 * A road network file as read: its features and the CRS their coordinates are in.
 *
 * @param srid EPSG code of the coordinates (4326: longitude, latitude)
 * @param crsOrigin how the CRS was known, for messages ("crs member", "GeoPackage srs_id 25832", "--crs", "RFC 7946 default")
 */
public record RoadSource(String file, int srid, String crsOrigin, List<RoadFeature> features) {}
