package dk.vejsyn.api;

import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Real API tokens in the tests' database, for tests that call a running service over HTTP (its own
 * process or the test's embedded server): made by the same {@link ApiTokens} as
 * {@code vejsyn token create}, so these requests go through the whole of security.
 */
public final class TestTokens {
    private TestTokens() {}

    private static final Map<String, String> SHARED = new ConcurrentHashMap<>();

    private static ApiTokens tokens() {
        return new ApiTokens(JdbcClient.create(new DriverManagerDataSource(PostgisIntegrationTest.JDBC_URL)), Clock.systemUTC());
    }

    /**
     * A new token; its name is unique. {@code vehicle}: for the vehicle role (null: the name). A
     * vehicle token is also an account of the tests' broker once this returns ({@link TestBroker}).
     */
    public static String create(Role role, String municipality, String vehicle) {
        return createNamed("test-" + role.wireName() + "-" + UUID.randomUUID().toString().substring(0, 8), role,
                municipality, vehicle);
    }

    /** As {@link #create}, with this name (for tests that revoke it). */
    public static String createNamed(String name, Role role, String municipality, String vehicle) {
        String token = tokens().create(new ApiTokens.Request(name, role, municipality, vehicle, null, "tests")).secret();
        if (role == Role.VEHICLE) {
            TestBroker.refreshAndAwait(token, true, Duration.ofSeconds(20));
        }
        return token;
    }

    /** Revokes the token named {@code name}; the broker refuses it once this returns. */
    public static void revoke(String name, String token) {
        if (!tokens().revoke(name, null)) {
            throw new IllegalStateException("no live token named " + name);
        }
        TestBroker.refreshAndAwait(token, false, Duration.ofSeconds(20));
    }

    /** {@code Bearer <token>} of one token per role and municipality, shared by the tests of this JVM. */
    public static String bearer(Role role, String municipality) {
        return "Bearer " + SHARED.computeIfAbsent(role + "/" + municipality, k -> create(role, municipality, null));
    }

    /** {@code Bearer <token>} of the operator token shared by the tests of this JVM. */
    public static String operator() {
        return "Bearer " + SHARED.computeIfAbsent("operator", k -> create(Role.OPERATOR, null, null));
    }

    /** {@code Bearer <token>} of a vehicle token for {@code vehicle} of {@code municipality}, shared likewise. */
    public static String vehicle(String municipality, String vehicle) {
        return "Bearer " + SHARED.computeIfAbsent("vehicle/" + municipality + "/" + vehicle,
                k -> create(Role.VEHICLE, municipality, vehicle));
    }
}
