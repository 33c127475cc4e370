package dk.vejsyn.api.security;

import static dk.vejsyn.api.security.TenantAccess.member;
import static dk.vejsyn.api.security.TenantAccess.memberOrOperator;
import static dk.vejsyn.api.security.TenantAccess.ownVehicle;
import static dk.vejsyn.api.security.TenantAccess.roles;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Who may call what. Two filter chains: the OGC API and the vector tiles also take HTTP Basic with
 * the API token as password (QGIS and GDAL send Basic); everything else takes bearer tokens only.
 * Both accept API tokens ({@link ApiTokens}) and, when an identity provider is configured, its
 * JWTs ({@link JwtCallers}). No sessions, no cookies (so no CSRF), no remember-me: every request
 * carries its credentials. Rules are listed per path; anything not listed is denied, so a new
 * endpoint is closed until a rule opens it.
 */
@Configuration
public class SecurityConfig {

    @Bean
    Clock securityClock() {
        return Clock.systemUTC();
    }

    @Bean
    ApiTokens apiTokens(JdbcClient jdbc, Clock securityClock) {
        return new ApiTokens(jdbc, securityClock);
    }

    @Bean
    FailedAuthLimiter failedAuthLimiter(SecurityProperties props, Clock securityClock) {
        return new FailedAuthLimiter(props.failedAuthLimit(), props.failedAuthWindow(), securityClock);
    }

    /**
     * Bearer tokens: API tokens by their {@code vjs_} prefix, anything else as a JWT when an
     * identity provider is configured; HTTP Basic: the password is an API token (the user name is
     * not used: QGIS asks for one, so any will do).
     */
    @Bean
    AuthenticationManager callerAuthenticationManager(ApiTokens tokens, SecurityProperties props) {
        JwtAuthenticationProvider jwt = props.jwt().enabled() ? jwtProvider(props.jwt()) : null;
        return authentication -> {
            String token;
            if (authentication instanceof BearerTokenAuthenticationToken b) {
                token = b.getToken();
                if (!ApiTokens.looksLikeToken(token)) {
                    if (jwt == null) {
                        throw new InvalidBearerTokenException("not an API token, and no identity provider is configured");
                    }
                    return jwt.authenticate(b);
                }
            } else if (authentication instanceof UsernamePasswordAuthenticationToken u) {
                token = u.getCredentials() == null ? null : u.getCredentials().toString();
            } else {
                throw new ProviderNotFoundException("unsupported authentication");
            }
            return tokens.authenticate(token).map(CallerAuthentication::new)
                    .orElseThrow(() -> new BadCredentialsException("invalid, expired or revoked token"));
        };
    }

    private static JwtAuthenticationProvider jwtProvider(SecurityProperties.Jwt settings) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        JwtDecoder decoder;
        if (settings.jwkSetUri() != null && !settings.jwkSetUri().isBlank()) {
            NimbusJwtDecoder nimbus = NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri()).build();
            decoder = nimbus;
            validators.add(settings.issuerUri() == null || settings.issuerUri().isBlank()
                    ? JwtValidators.createDefault() : JwtValidators.createDefaultWithIssuer(settings.issuerUri()));
            addAudience(validators, settings);
            nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        } else {
            // Discovery on first use, not at start: the service starts while the provider is down.
            decoder = new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder d = (NimbusJwtDecoder) JwtDecoders.fromIssuerLocation(settings.issuerUri());
                List<OAuth2TokenValidator<Jwt>> v = new ArrayList<>();
                v.add(JwtValidators.createDefaultWithIssuer(settings.issuerUri()));
                addAudience(v, settings);
                d.setJwtValidator(new DelegatingOAuth2TokenValidator<>(v));
                return d;
            });
        }
        JwtAuthenticationProvider p = new JwtAuthenticationProvider(decoder);
        p.setJwtAuthenticationConverter(new JwtCallers(settings));
        return p;
    }

    private static void addAudience(List<OAuth2TokenValidator<Jwt>> validators, SecurityProperties.Jwt settings) {
        if (settings.audience() != null && !settings.audience().isBlank()) {
            validators.add(new JwtClaimValidator<List<String>>("aud",
                    aud -> aud != null && aud.contains(settings.audience())));
        }
    }

    /** OGC API – Features and vector tiles: bearer or Basic; read access for the municipality's members. */
    @Bean
    @Order(1)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain gisClients(HttpSecurity http, AuthenticationManager callerAuthenticationManager,
            FailedAuthLimiter limiter, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver,
            @Qualifier("requestMappingHandlerMapping") HandlerMapping handlers) throws Exception {
        ProblemResponses problems = new ProblemResponses(resolver, limiter, true, handlers);
        common(http, callerAuthenticationManager, problems)
                .securityMatcher("/api/v1/municipalities/{code}/ogc", "/api/v1/municipalities/{code}/ogc/**",
                        "/api/v1/municipalities/{code}/tiles/**")
                .httpBasic(b -> b.authenticationEntryPoint(problems))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}/**").access(member(Role.VIEWER))
                        .anyRequest().denyAll());
        return http.build();
    }

    /** Everything else. */
    @Bean
    @Order(2)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain api(HttpSecurity http, AuthenticationManager callerAuthenticationManager,
            FailedAuthLimiter limiter, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver,
            @Qualifier("requestMappingHandlerMapping") HandlerMapping handlers) throws Exception {
        ProblemResponses problems = new ProblemResponses(resolver, limiter, false, handlers);
        common(http, callerAuthenticationManager, problems)
                .httpBasic(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(a -> a
                        // No data: the error page (else validation errors turn into 401), health, the
                        // map page's own files (it asks for a token), the API's description.
                        .requestMatchers("/error", "/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/", "/index.html", "/triage.html", "/finding.html", "/upload.html", "/overview.html", "/workorder.html", "/app.js", "/i18n.js", "/app.css", "/favicon.ico", "/webjars/**",
                                "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers("/actuator/**").access(roles(Role.OPERATOR))
                        .requestMatchers(HttpMethod.GET, "/api/v1/me", "/api/v1/map-settings").authenticated()
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}/drives.geojson").access(member(Role.VIEWER))
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}/road-segments",
                                "/api/v1/municipalities/{code}/road-segments.csv",
                                "/api/v1/municipalities/{code}/road-segments/**").access(member(Role.VIEWER))
                        .requestMatchers("/api/v1/municipalities").access(roles(Role.OPERATOR))
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}").access(memberOrOperator())
                        .requestMatchers(HttpMethod.PATCH, "/api/v1/municipalities/{code}/findings/*")
                                .access(member(Role.PLANNER))
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}/findings",
                                "/api/v1/municipalities/{code}/findings/**").access(member(Role.VIEWER))
                        .requestMatchers(HttpMethod.POST, "/api/v1/municipalities/{code}/findings/search")
                                .access(member(Role.VIEWER))
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}/overview").access(member(Role.VIEWER))
                        .requestMatchers(HttpMethod.POST, "/api/v1/municipalities/{code}/work-orders").access(member(Role.PLANNER))
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}/work-orders",
                                "/api/v1/municipalities/{code}/work-orders/*").access(member(Role.VIEWER))
                        .requestMatchers("/api/v1/municipalities/{code}/audit", "/api/v1/municipalities/{code}/tokens",
                                "/api/v1/municipalities/{code}/tokens/**").access(member(Role.ADMIN))
                        // Which municipality and vehicle a drive or a job belongs to is in the form or
                        // the job: the handler checks it (DriveUploads, UploadController).
                        .requestMatchers(HttpMethod.POST, "/api/v1/drives").access(roles(Role.VEHICLE, Role.PLANNER))
                        .requestMatchers(HttpMethod.GET, "/api/v1/jobs/*").access(roles(Role.VEHICLE, Role.VIEWER))
                        .requestMatchers(HttpMethod.POST, "/api/v1/vehicles/{vehicle}/frames").access(ownVehicle())
                        .requestMatchers(HttpMethod.POST, "/api/v1/vehicles/{vehicle}/observations").access(ownVehicle())
                        // Fleet health (issue 18): a vehicle reports for itself; admins see their fleet, the operator all.
                        .requestMatchers(HttpMethod.POST, "/api/v1/vehicles/{vehicle}/heartbeat").access(ownVehicle())
                        .requestMatchers(HttpMethod.GET, "/api/v1/vehicles").access(roles(Role.OPERATOR))
                        .requestMatchers(HttpMethod.GET, "/api/v1/municipalities/{code}/vehicles",
                                "/api/v1/municipalities/{code}/vehicles/**").access(member(Role.ADMIN))
                        // Resumable uploads: whose session it is, is in the session (ResumableUploads checks it).
                        .requestMatchers("/api/v1/uploads", "/api/v1/uploads/**").access(roles(Role.VEHICLE, Role.PLANNER))
                        .anyRequest().denyAll());
        return http.build();
    }

    private static HttpSecurity common(HttpSecurity http, AuthenticationManager manager, ProblemResponses problems)
            throws Exception {
        return http
                .authenticationManager(manager)
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .oauth2ResourceServer(o -> o.authenticationManagerResolver(request -> manager)
                        .authenticationEntryPoint(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(problems.limitFilter(), BearerTokenAuthenticationFilter.class);
    }
}
