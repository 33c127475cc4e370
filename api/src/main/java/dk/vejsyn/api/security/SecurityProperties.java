package dk.vejsyn.api.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code vejsyn.security.*}: the identity provider (optional) and the limit on failed sign-ins.
 * API tokens need no settings.
 *
 * @param jwt a municipality's OpenID Connect provider, whose access tokens (JWTs) are accepted
 *     beside API tokens when {@code issuer-uri} or {@code jwk-set-uri} is set
 * @param failedAuthLimit failed authentications per client address and window before 429
 * @param failedAuthWindow that window
 */
@Validated
@ConfigurationProperties(prefix = "vejsyn.security")
public record SecurityProperties(
        @Valid @NotNull @DefaultValue Jwt jwt,
        @Min(1) @DefaultValue("20") int failedAuthLimit,
        @NotNull @DefaultValue("5m") Duration failedAuthWindow) {

    /**
     * @param issuerUri the provider's issuer (its {@code .well-known/openid-configuration} gives the keys)
     * @param jwkSetUri the provider's signing keys, instead of the issuer's discovery
     * @param audience when set, the {@code aud} a token must carry
     * @param municipalityClaim the claim with the municipality's three-digit code
     * @param roleClaim the claim with the role: a string or a list (the highest known role wins)
     * @param rolePrefix a prefix the provider puts before role names ({@code vejsyn-planner}), removed
     * @param nameClaim the claim that names the user in audit trails and finding events
     */
    public record Jwt(
            String issuerUri,
            String jwkSetUri,
            String audience,
            @NotBlank @DefaultValue("municipality") String municipalityClaim,
            @NotBlank @DefaultValue("vejsyn_role") String roleClaim,
            @NotNull @DefaultValue("") String rolePrefix,
            @NotBlank @DefaultValue("preferred_username") String nameClaim) {

        /** True when a provider is configured. */
        public boolean enabled() {
            return (issuerUri != null && !issuerUri.isBlank()) || (jwkSetUri != null && !jwkSetUri.isBlank());
        }
    }
}
