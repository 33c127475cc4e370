package dk.vejsyn.inference.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.GroundPoint;
import dk.vejsyn.inference.geo.ObservationLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detect}'s files carry a crack's type and its length, as located from a known box (no model). */
class CrackOutputTest {
    private static final CameraModel CAM = CameraModel.refuseTruckDashcam();

    private static PixelBox boxOf(double forward, double length, double width) {
        double[] a = CAM.groundToPixel(new GroundPoint(forward - length / 2, -width / 2)).orElseThrow();
        double[] d = CAM.groundToPixel(new GroundPoint(forward + length / 2, width / 2)).orElseThrow();
        double[] b = CAM.groundToPixel(new GroundPoint(forward - length / 2, width / 2)).orElseThrow();
        double[] c = CAM.groundToPixel(new GroundPoint(forward + length / 2, -width / 2)).orElseThrow();
        return new PixelBox(Math.min(a[0], c[0]), Math.min(c[1], d[1]), Math.max(b[0], d[0]), Math.max(a[1], b[1]));
    }

    @Test
    void geoJsonAndCsvNameTheCrackKindAndGiveItsLength(@TempDir Path dir) throws Exception {
        GeoTag tag = GeoTag.of(55.3959, 10.3883, Instant.parse("2026-05-01T10:00:00Z")).withHeading(0);
        ObservationLocator locator = new ObservationLocator(CAM, 25);
        ObservationFiles files = new ObservationFiles(dir.resolve("f.geojson"), dir.resolve("f.csv"));
        files.accept(locator.locate(new Detection(boxOf(8, 3.0, 0.2), DamageType.CRACK, 0.7f), tag, 1280, 720,
                "drive.mp4", 1, null).observation());
        files.accept(locator.locate(new Detection(boxOf(20, 3.0, 0.2), DamageType.CRACK, 0.6f), tag, 1280, 720,
                "drive.mp4", 2, null).observation());
        files.complete();

        JsonNode features = new ObjectMapper().readTree(dir.resolve("f.geojson").toFile()).get("features");
        assertThat(features).hasSize(2);
        assertThat(features.get(0).at("/properties/type").asText()).isEqualTo("longitudinal_crack");
        assertThat(features.get(0).at("/properties/length_m").asDouble()).isBetween(2.95, 3.05);
        assertThat(features.get(1).at("/properties/type").asText()).as("20 m ahead: too far to type").isEqualTo("crack");
        List<String> csv = Files.readAllLines(dir.resolve("f.csv"));
        assertThat(csv.get(1)).startsWith("longitudinal_crack,0.7000,");
        assertThat(csv.get(2)).startsWith("crack,0.6000,");
    }
}
