package dk.vejsyn.api;

import dk.vejsyn.api.config.ConnectionSettings;
import dk.vejsyn.api.security.Caller;
import dk.vejsyn.api.security.CallerAuthentication;
import dk.vejsyn.api.security.Role;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.test.autoconfigure.web.servlet.MockMvcBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Full application against the real PostGIS named by {@code VEJSYN_TEST_JDBC_URL} (as {@code bin/test}
 * exports it); Flyway builds the schema on the fresh database. Each test starts with no drives,
 * observations, findings or work orders (municipalities stay seeded).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@Import(PostgisIntegrationTest.CallerOfThePath.class)
public abstract class PostgisIntegrationTest {

    /**
     * MockMvc requests without an {@code Authorization} header are made as the caller the path
     * needs (tests of findings, uploads and live frames are about those, not about who may call
     * them): an admin of the path's municipality, the operator for municipalities and metrics, the
     * path's vehicle of 461 for live frames, a planner of the form's municipality (461) for
     * uploads. Security itself is tested with real tokens and without this ({@code SecurityMatrixTest}).
     */
    @TestConfiguration
    static class CallerOfThePath {
        private static final Pattern MUNICIPALITY = Pattern.compile("/api/v1/municipalities/([0-9]{3})(/.*)?");
        private static final Pattern VEHICLE = Pattern.compile("/api/v1/vehicles/([^/]+)/(frames|observations)");

        @Bean
        MockMvcBuilderCustomizer callerOfThePath() {
            return builder -> builder.defaultRequest(MockMvcRequestBuilders.get("/").with(request -> {
                if (request.getHeader("Authorization") != null) {
                    return request;
                }
                String path = request.getRequestURI();
                String param = request.getParameter("municipality");
                String own = param != null && param.matches("[0-9]{3}") ? param : "461";
                Matcher m = MUNICIPALITY.matcher(path);
                Matcher v = VEHICLE.matcher(path);
                Caller caller = m.matches() ? new Caller("test-admin", Role.ADMIN, m.group(1), null, Caller.Via.TOKEN)
                        : v.matches() ? new Caller("test-vehicle", Role.VEHICLE, own, v.group(1), Caller.Via.TOKEN)
                        : path.startsWith("/api/v1/municipalities") || path.startsWith("/actuator")
                                ? new Caller("test-operator", Role.OPERATOR, null, null, Caller.Via.TOKEN)
                                : new Caller("test-planner", Role.PLANNER, own, null, Caller.Via.TOKEN);
                return SecurityMockMvcRequestPostProcessors.authentication(new CallerAuthentication(caller))
                        .postProcessRequest(request);
            }));
        }
    }

    /**
     * {@code VEJSYN_TEST_JDBC_URL}, else database {@code vejsyn_test} on the server the service's
     * settings name ({@code VEJSYN_PG_HOST/PORT/USER}; never {@code VEJSYN_JDBC_URL}: tests empty tables).
     */
    public static final String JDBC_URL = Optional.ofNullable(System.getenv("VEJSYN_TEST_JDBC_URL"))
            .filter(s -> !s.isBlank())
            .orElseGet(() -> ConnectionSettings.fromSystemEnvironment().serverJdbcUrl("vejsyn_test"));

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> JDBC_URL);
    }

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected MockMvc mvc;

    @BeforeEach
    void cleanStore() {
        jdbc.execute("TRUNCATE work_order, finding_event, observation, finding, drive RESTART IDENTITY CASCADE");
        jdbc.execute("DELETE FROM municipality WHERE code = '999'");
    }
}
