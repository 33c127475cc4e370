package dk.vejsyn.api.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the HTTP API ({@code vejsyn.api.*}).
 *
 * @param defaultLimit page size when a request names none
 * @param maxLimit largest page size a client may ask for (larger is a 400)
 * @param exportMaxRows most rows one GeoJSON or CSV export writes
 * @param ogcMaxLimit largest OGC API items page; larger requests are clamped, as OGC allows
 */
@Validated
@ConfigurationProperties("vejsyn.api")
public record ApiProperties(
        @DefaultValue("100") @Min(1) int defaultLimit,
        @DefaultValue("500") @Min(1) @Max(10000) int maxLimit,
        @DefaultValue("100000") @Min(1) int exportMaxRows,
        @DefaultValue("10000") @Min(1) int ogcMaxLimit) {}
