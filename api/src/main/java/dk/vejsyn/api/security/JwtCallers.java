package dk.vejsyn.api.security;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A JWT from the municipality's identity provider → a {@link Caller}, through the claims the
 * settings name. A token without a known role, or without a valid municipality (unless its role
 * is operator), is refused as an invalid token: a user the provider knows is not therefore a user
 * of this service.
 */
public class JwtCallers implements Converter<Jwt, CallerAuthentication> {
    private final SecurityProperties.Jwt settings;

    public JwtCallers(SecurityProperties.Jwt settings) {
        this.settings = settings;
    }

    @Override
    public CallerAuthentication convert(Jwt jwt) {
        Role role = role(jwt).orElseThrow(() -> invalid("no known role in claim '" + settings.roleClaim() + "'"));
        String name = Optional.ofNullable(jwt.getClaimAsString(settings.nameClaim())).filter(s -> !s.isBlank())
                .orElse(jwt.getSubject());
        if (name == null) {
            throw invalid("no '" + settings.nameClaim() + "' or 'sub' claim");
        }
        String municipality = null;
        String vehicle = null;
        if (role != Role.OPERATOR) {
            municipality = jwt.getClaimAsString(settings.municipalityClaim());
            if (municipality == null || !municipality.matches("[0-9]{3}")) {
                throw invalid("claim '" + settings.municipalityClaim() + "' is not a three-digit municipality code");
            }
            if (role == Role.VEHICLE) {
                vehicle = name;
            }
        }
        return new CallerAuthentication(new Caller("jwt:" + name, role, municipality, vehicle, Caller.Via.JWT));
    }

    /** The highest role among the claim's values (a string or a list), the prefix removed. */
    private Optional<Role> role(Jwt jwt) {
        Object claim = jwt.getClaims().get(settings.roleClaim());
        Collection<?> values = claim instanceof Collection<?> c ? c : claim == null ? List.of() : List.of(claim);
        Role best = null;
        for (Object v : values) {
            String s = String.valueOf(v);
            if (!s.startsWith(settings.rolePrefix())) {
                continue;
            }
            Optional<Role> r = Role.fromWire(s.substring(settings.rolePrefix().length()));
            if (r.isPresent() && (best == null || rank(r.get()) > rank(best))) {
                best = r.get();
            }
        }
        return Optional.ofNullable(best);
    }

    /** Which of several roles in one token wins: municipality roles by rank; vehicle and operator below viewer. */
    private static int rank(Role r) {
        return switch (r) {
            case OPERATOR -> 0;
            case VEHICLE -> 1;
            case VIEWER -> 2;
            case PLANNER -> 3;
            case ADMIN -> 4;
        };
    }

    private static OAuth2AuthenticationException invalid(String why) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, why, null), why);
    }
}
