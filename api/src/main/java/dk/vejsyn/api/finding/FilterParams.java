package dk.vejsyn.api.finding;

import dk.vejsyn.api.geo.GeoJsonPolygon;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.List;
import org.springframework.web.bind.annotation.BindParam;

/**
 * The query parameters every findings listing and export accepts, bound in one place. Parsing
 * and validation (with problem details for bad values) happen in {@link #toFilter()}.
 */
public record FilterParams(
        @Parameter(description = "minLon,minLat,maxLon,maxLat (WGS84)") String bbox,
        @Parameter(description = "GeoJSON Polygon or MultiPolygon (lon/lat)") String polygon,
        @Parameter(description = "lat,lon; with radius_m") String near,
        @Parameter(name = "radius_m", description = "metres around near") @BindParam("radius_m") Double radiusM,
        @Parameter(name = "seen_after", description = "RFC 3339; last seen at or after") @BindParam("seen_after") String seenAfter,
        @Parameter(name = "seen_before", description = "RFC 3339; first seen at or before") @BindParam("seen_before") String seenBefore,
        @Parameter(description = "comma-separated statuses") List<String> status,
        @Parameter(description = "comma-separated damage types: pothole, crack (every kind of crack), longitudinal_crack, transverse_crack, alligator_crack") List<String> type,
        @Parameter(name = "min_severity", description = "1..5") @BindParam("min_severity") Integer minSeverity,
        @Parameter(name = "min_score", description = "0..1") @BindParam("min_score") Double minScore,
        @Parameter(name = "min_area_m2", description = "estimated area in m² at least") @BindParam("min_area_m2") Double minAreaM2) {

    FindingFilter toFilter() {
        return FilterParser.parse(bbox, polygon == null || polygon.isBlank() ? null : GeoJsonPolygon.parse(polygon),
                near, radiusM, seenAfter, seenBefore, status, type, minSeverity, minScore, minAreaM2);
    }
}
