package dk.vejsyn.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vejsyn roads import} on the tests' database: the sample network imports (a second time
 * keeping every segment); a bad file is one line naming it and exit code 2.
 */
class RoadsCommandTest {
    static final Path SAMPLE = Path.of(System.getProperty("vejsyn.repo.root", "..")).resolve("sample-images/odense-drive/roads.geojson");

    @TempDir
    Path dir;

    @Test
    void importsTheSampleNetworkAndRefusesABadFileWithExitTwo() throws Exception {
        TokenCommandTest.Run first = TokenCommandTest.run("roads", "import", SAMPLE.toString(), "--municipality", "461");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("municipality 461: 4 road features").contains("→ 22 segments");
        TokenCommandTest.Run again = TokenCommandTest.run("roads", "import", SAMPLE.toString(), "--municipality", "461");
        assertThat(again.out()).as(again.err()).contains("22 kept, 0 new, 0 retired");

        Path polygon = Files.writeString(dir.resolve("areas.geojson"), "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                + "\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[10,55],[10.1,55],[10,55.1],[10,55]]]}}]}");
        TokenCommandTest.Run bad = TokenCommandTest.run("roads", "import", polygon.toString(), "--municipality", "461");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip().lines().filter(l -> l.contains("areas.geojson")).toList()).hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("feature 1 is a Polygon"));
        TokenCommandTest.Run unknown = TokenCommandTest.run("roads", "import", SAMPLE.toString(), "--municipality", "998");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown municipality '998'");
    }
}
