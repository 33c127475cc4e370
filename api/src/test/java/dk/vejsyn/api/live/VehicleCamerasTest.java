package dk.vejsyn.api.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.geo.CameraModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each vehicle's detections are located through its own camera; a bad profile stops the start. */
class VehicleCamerasTest {
    private static final CameraModel DEFAULT = CameraModel.refuseTruckDashcam();

    private static CameraModel camera(String name, double heightM) {
        return CameraModel.builder().name(name).heightM(heightM).pitchDeg(8).horizontalFovDeg(90)
                .imageSize(1280, 720).build();
    }

    @Test
    void aVehicleWithItsOwnProfileUsesItOthersTheDefault(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sweeper-3.json"), camera("sweeper roof", 1.9).toJson());
        Files.writeString(dir.resolve("notes.txt"), "not a profile");
        VehicleCameras cameras = new VehicleCameras(dir, DEFAULT);

        assertThat(cameras.vehicles()).containsExactly("sweeper-3");
        assertThat(cameras.locatorFor("sweeper-3").camera().heightM()).isEqualTo(1.9);
        assertThat(cameras.locatorFor("truck-7").camera()).isSameAs(DEFAULT);
        assertThat(new VehicleCameras(null, DEFAULT).locatorFor("sweeper-3").camera()).isSameAs(DEFAULT);
    }

    @Test
    void malformedProfilesAndBadFoldersAreNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("truck-7.json"), "{\"name\": \"broken\", \"height_m\": -2}");
        assertThatThrownBy(() -> new VehicleCameras(dir, DEFAULT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truck-7.json");

        Path badName = Files.createDirectory(dir.resolve("other"));
        Files.writeString(badName.resolve("truck 7.json"), camera("x", 2).toJson());
        assertThatThrownBy(() -> new VehicleCameras(badName, DEFAULT)).hasMessageContaining("not named after a vehicle id");

        assertThatThrownBy(() -> new VehicleCameras(dir.resolve("missing"), DEFAULT))
                .hasMessageContaining("is not a folder");
    }
}
