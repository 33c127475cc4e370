package dk.vejsyn.inference.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The sample road network beside the bundled drive is the one the renderer makes from its route
 * (so it cannot drift from the route), and has the roads the demo and tests rely on.
 */
class SampleRoadNetworkTest {
    static final Path DRIVE = Path.of(System.getProperty("vejsyn.repo.root", "..")).resolve("sample-images/odense-drive");

    @Test
    void theBundledFileIsWhatTheRouteGives() throws Exception {
        RouteSpec route = RouteSpec.read(DRIVE.resolve("route.json"));
        assertThat(Files.readString(DRIVE.resolve(DriveRenderer.ROADS_FILE))).isEqualTo(SampleRoadNetwork.geoJson(route));
    }

    @Test
    void theRoutesStreetRunsBeyondTheDriveAndOtherRoadsAreNotDriven() throws Exception {
        RouteSpec route = RouteSpec.read(DRIVE.resolve("route.json"));
        JsonNode fc = new ObjectMapper().readTree(SampleRoadNetwork.geoJson(route));
        assertThat(fc.get("features")).hasSize(4);
        JsonNode street = fc.get("features").get(0);
        assertThat(street.at("/properties/name").asText()).isEqualTo("Niels Bohrs Allé");
        JsonNode coords = street.at("/geometry/coordinates");
        // Starts north of the first waypoint and ends south of the last (the drive is southbound).
        assertThat(coords.get(0).get(1).asDouble()).isGreaterThan(route.waypoints().get(0).lat());
        assertThat(coords.get(coords.size() - 1).get(1).asDouble()).isLessThan(route.waypoints().get(route.waypoints().size() - 1).lat());
        for (int i = 1; i < 4; i++) {
            assertThat(fc.get("features").get(i).at("/properties/name").asText()).endsWith("(sample)");
        }
    }
}
