package dk.vejsyn.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.PostgisIntegrationTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code vejsyn detect … --db}: the findings store as a further output of the batch command
 * ({@link StoreOutput}, composed into {@code detect}), through the real command line.
 */
class DetectToStoreTest extends PostgisIntegrationTest {
    private static final Path IMAGES = Path.of(System.getProperty("vejsyn.repo.root", ".."))
            .resolve("sample-images/odense-drive/images");

    private int detect() {
        return VejsynMain.commandLine().execute("detect", "--images", IMAGES.toString(), "--db", JDBC_URL,
                "--municipality", "461", "--vehicle", "truck-7", "--drive-ref", "cli-db-test", "--quiet");
    }

    @Test
    void detectWithDbStoresTheDriveOnceAndNeedsNoOutputFile() {
        assertThat(detect()).isZero();
        int observations = jdbc.queryForObject("select count(*) from observation o join drive d on d.id = o.drive_id "
                + "where d.external_ref = 'cli-db-test'", Integer.class);
        assertThat(observations).as("the bundled drive's potholes").isPositive();
        int findings = jdbc.queryForObject("select count(*) from finding", Integer.class);

        assertThat(detect()).isZero();
        assertThat(jdbc.queryForObject("select count(*) from observation", Integer.class)).isEqualTo(observations);
        assertThat(jdbc.queryForObject("select count(*) from finding", Integer.class)).isEqualTo(findings);
    }

    @Test
    void withoutDbOrOutputThereIsNothingToWrite() {
        assertThat(VejsynMain.commandLine().execute("detect", "--images", IMAGES.toString(), "--quiet"))
                .isEqualTo(dk.vejsyn.inference.cli.VejsynCli.EXIT_BAD_INPUT);
    }
}
