package dk.vejsyn.api.finding;

import dk.vejsyn.api.config.ApiProperties;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.geo.Bbox;
import dk.vejsyn.api.geo.GeoJsonPolygon;
import dk.vejsyn.inference.detect.DamageType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Turns request parameters into a {@link FindingFilter}, refusing bad input with precise problems. */
final class FilterParser {

    private FilterParser() {}

    static FindingFilter parse(String bbox, GeoJsonPolygon polygon, String near, Double radiusM, String seenAfter,
            String seenBefore, List<String> status, List<String> type, Integer minSeverity, Double minScore, Double minAreaM2) {
        FindingFilter.Near n = null;
        if (near != null && !near.isBlank()) {
            String[] p = near.split(",");
            if (p.length != 2) {
                throw ApiException.invalidParameter("near must be lat,lon");
            }
            double lat;
            double lon;
            try {
                lat = Double.parseDouble(p[0].trim());
                lon = Double.parseDouble(p[1].trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalidParameter("near must be lat,lon in degrees, got '" + near + "'");
            }
            n = near(lat, lon, radiusM);
        } else if (radiusM != null) {
            throw ApiException.invalidParameter("radius_m needs near=lat,lon");
        }
        return new FindingFilter(bbox == null || bbox.isBlank() ? null : Bbox.parse(bbox), polygon, n,
                instant("seen_after", seenAfter), instant("seen_before", seenBefore), statuses(status), types(type),
                minSeverity(minSeverity), minScore(minScore), minArea(minAreaM2));
    }

    static FindingFilter.Near near(double lat, double lon, Double radiusM) {
        if (!Double.isFinite(lat) || !Double.isFinite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
            throw ApiException.coordinatesOutOfRange("near " + lat + "," + lon + " out of range (lat in [-90, 90], lon in [-180, 180])");
        }
        if (radiusM == null || !(radiusM > 0) || radiusM > 100_000) {
            throw ApiException.invalidParameter("radius_m must be in (0, 100000] metres with near");
        }
        return new FindingFilter.Near(lat, lon, radiusM);
    }

    static Instant instant(String name, String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParameter(name + " must be an RFC 3339 date-time such as 2026-11-01T00:00:00Z, got '" + v + "'");
        }
    }

    static Set<FindingStatus> statuses(List<String> values) {
        Set<FindingStatus> out = EnumSet.noneOf(FindingStatus.class);
        for (String v : split(values)) {
            out.add(FindingStatus.fromWire(v));
        }
        return out;
    }

    /**
     * Damage types by name ({@code pothole}, {@code longitudinal_crack}, an RDD code such as
     * {@code D00}); {@code crack} (or {@code cracks}) is the whole crack family — every kind, typed or
     * not — since a planner asking for cracks means all of them.
     */
    static Set<DamageType> types(List<String> values) {
        Set<DamageType> out = EnumSet.noneOf(DamageType.class);
        for (String v : split(values)) {
            if (v.equalsIgnoreCase(DamageType.CRACK.wireName()) || v.equalsIgnoreCase("cracks")) {
                out.addAll(DamageType.familyOf(DamageType.CRACK));
                continue;
            }
            try {
                out.add(DamageType.fromName(v));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidParameter("unknown type '" + v + "'; one of "
                        + Arrays.stream(DamageType.values()).map(DamageType::wireName).collect(Collectors.joining(", "))
                        + " (crack: every kind of crack)");
            }
        }
        return out;
    }

    private static List<String> split(List<String> values) {
        if (values == null) {
            return List.of();
        }
        return values.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static Integer minSeverity(Integer v) {
        if (v != null && (v < 1 || v > 5)) {
            throw ApiException.invalidParameter("min_severity must be in [1, 5], got " + v);
        }
        return v;
    }

    static Double minScore(Double v) {
        if (v != null && !(v >= 0 && v <= 1)) {
            throw ApiException.invalidParameter("min_score must be in [0, 1], got " + v);
        }
        return v;
    }

    static Double minArea(Double v) {
        if (v != null && !(v >= 0 && v <= 10_000)) {
            throw ApiException.invalidParameter("min_area_m2 must be in [0, 10000], got " + v);
        }
        return v;
    }

    static int limit(Integer limit, ApiProperties api) {
        if (limit == null) {
            return api.defaultLimit();
        }
        if (limit < 1 || limit > api.maxLimit()) {
            throw ApiException.badRequest("invalid-limit", "Invalid page size",
                    "limit must be in [1, " + api.maxLimit() + "], got " + limit);
        }
        return limit;
    }
}
