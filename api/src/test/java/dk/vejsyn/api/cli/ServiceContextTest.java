package dk.vejsyn.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.PostgisIntegrationTest;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Upload jobs run in the service only, never in a one-shot CLI command such as {@code detect --db}. */
class ServiceContextTest {

    @Test
    void cliContextRunsNoJobServerButTheServiceDoes() {
        try (ConfigurableApplicationContext cli = ServiceContext.start(false, true, PostgisIntegrationTest.JDBC_URL, null)) {
            assertThat(cli.getBeanProvider(BackgroundJobServer.class).getIfAvailable()).isNull();
            assertThat(cli.getBean(JobRequestScheduler.class)).isNotNull();
        }
        try (ConfigurableApplicationContext service = ServiceContext.start(true, true, PostgisIntegrationTest.JDBC_URL, 0)) {
            assertThat(service.getBean(BackgroundJobServer.class).isRunning()).isTrue();
        }
    }
}
