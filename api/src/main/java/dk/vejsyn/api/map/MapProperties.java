package dk.vejsyn.api.map;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code vejsyn.map.*}: the base map under the app's pages. OpenStreetMap by default; Danish
 * Dataforsyningen tiles need the municipality's token in the URL. Without reachable tiles the
 * pages still work, on a plain background.
 *
 * @param tileUrl an XYZ template with {z}/{x}/{y}
 * @param attribution shown in the map's corner (the tile provider's terms ask for it)
 */
@Validated
@ConfigurationProperties(prefix = "vejsyn.map")
public record MapProperties(
        @NotBlank @DefaultValue("https://tile.openstreetmap.org/{z}/{x}/{y}.png") String tileUrl,
        @NotBlank @DefaultValue("© OpenStreetMap contributors") String attribution) {}
