package dk.vejsyn.api;

import dk.vejsyn.api.config.ConnectionSettings;
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
 * observations or findings (municipalities stay seeded).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
public abstract class PostgisIntegrationTest {

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
        jdbc.execute("TRUNCATE finding_event, observation, finding, drive RESTART IDENTITY CASCADE");
        jdbc.execute("DELETE FROM municipality WHERE code = '999'");
    }
}
