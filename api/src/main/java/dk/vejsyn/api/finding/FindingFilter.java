package dk.vejsyn.api.finding;

import dk.vejsyn.api.geo.Bbox;
import dk.vejsyn.api.geo.GeoJsonPolygon;
import dk.vejsyn.inference.detect.DamageType;
import java.time.Instant;
import java.util.Set;

/**
 * Which findings a query wants; every field is optional (null or empty means "any").
 *
 * @param bbox findings inside this box
 * @param polygon findings inside this polygon
 * @param near findings within {@code near.radiusM} metres of a point
 * @param seenAfter last seen at or after
 * @param seenBefore first seen at or before
 * @param statuses any of these statuses
 * @param types any of these damage types
 * @param minSeverity severity at least
 * @param minScore best observation score at least
 * @param minAreaM2 estimated area in m² at least (the size a repair crew plans by)
 */
public record FindingFilter(Bbox bbox, GeoJsonPolygon polygon, Near near, Instant seenAfter, Instant seenBefore,
        Set<FindingStatus> statuses, Set<DamageType> types, Integer minSeverity, Double minScore, Double minAreaM2) {

    public static final FindingFilter ANY = new FindingFilter(null, null, null, null, null, Set.of(), Set.of(), null, null, null);

    /** A point and radius in metres. */
    public record Near(double lat, double lon, double radiusM) {}

    public FindingFilter withBbox(Bbox b) {
        return new FindingFilter(b, polygon, near, seenAfter, seenBefore, statuses, types, minSeverity, minScore, minAreaM2);
    }

    /**
     * Damage types from request values (comma-separated allowed) as every findings endpoint reads
     * them: {@code crack} is every kind of crack; an unknown name is a 400 problem.
     */
    public static Set<DamageType> parseTypes(java.util.List<String> values) {
        return FilterParser.types(values);
    }

    public FindingFilter withTypes(Set<DamageType> t) {
        return new FindingFilter(bbox, polygon, near, seenAfter, seenBefore, statuses, t, minSeverity, minScore, minAreaM2);
    }

    public FindingFilter withTime(Instant after, Instant before) {
        return new FindingFilter(bbox, polygon, near, after, before, statuses, types, minSeverity, minScore, minAreaM2);
    }
}
