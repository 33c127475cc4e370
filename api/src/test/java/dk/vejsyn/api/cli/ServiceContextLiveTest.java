package dk.vejsyn.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.live.LiveIngest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The one-shot {@code detect --db} context never consumes live frames, whatever the configuration says. */
class ServiceContextLiveTest {

    @AfterEach
    void clear() {
        System.clearProperty("vejsyn.live.enabled");
    }

    @Test
    void theCommandLineContextWithoutWebServerHasNoLiveIngest() {
        System.setProperty("vejsyn.live.enabled", "true");
        try (ConfigurableApplicationContext ctx = ServiceContext.start(false, true, PostgisIntegrationTest.JDBC_URL, null)) {
            assertThat(ctx.getBeansOfType(LiveIngest.class)).isEmpty();
        }
    }
}
