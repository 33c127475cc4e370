package dk.vejsyn.api.live;

import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.ObservationLocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The camera each vehicle films with: a municipality's fleet mixes refuse trucks, sweepers and
 * cars whose cameras sit at different heights and angles, and a detection is located on the ground
 * through its vehicle's camera. Profiles are read once, at start-up, from a folder of
 * {@code <vehicle>.json} files ({@code vejsyn.live.cameras-dir}); a vehicle without one uses the
 * default profile. A malformed file stops the start with its name, rather than locating a
 * vehicle's findings metres off for months.
 */
public final class VehicleCameras {
    private final ObservationLocator fallback;
    private final Map<String, ObservationLocator> byVehicle;
    private final Function<CameraModel, ObservationLocator> locators;

    /**
     * @param dir folder of {@code <vehicle>.json} camera profiles, or null for none
     * @param fallback profile of every vehicle without its own
     * @throws IllegalArgumentException naming the file when a profile cannot be read
     */
    public VehicleCameras(Path dir, CameraModel fallback) {
        this(dir, fallback, ObservationLocator.DEFAULT_MAX_RANGE_M);
    }

    /** As {@link #VehicleCameras(Path, CameraModel)}, dropping detections beyond {@code maxRangeM}. */
    public VehicleCameras(Path dir, CameraModel fallback, double maxRangeM) {
        this(dir, fallback, camera -> new ObservationLocator(camera, maxRangeM));
    }

    /** As {@link #VehicleCameras(Path, CameraModel)}, each camera's locator made by {@code locators}. */
    public VehicleCameras(Path dir, CameraModel fallback, Function<CameraModel, ObservationLocator> locators) {
        this.locators = locators;
        this.fallback = locator(fallback);
        Map<String, ObservationLocator> m = new TreeMap<>();
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("vejsyn.live.cameras-dir is not a folder: " + dir);
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path f : files) {
                    String vehicle = f.getFileName().toString().replaceFirst("\\.json$", "");
                    if (!FrameFields.isValidVehicle(vehicle)) {
                        throw new IllegalArgumentException("camera profile " + f + " is not named after a vehicle id "
                                + "([A-Za-z0-9._-]{1,64} + .json)");
                    }
                    try {
                        m.put(vehicle, locator(CameraModel.fromJson(f)));
                    } catch (UncheckedIOException e) {
                        throw new IllegalArgumentException(e.getMessage(), e);
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list camera profiles in " + dir + ": " + e.getMessage(), e);
            }
        }
        this.byVehicle = Map.copyOf(m);
    }

    private ObservationLocator locator(CameraModel camera) {
        return locators.apply(camera);
    }

    /** Locates the detections of {@code vehicle}'s frames. */
    public ObservationLocator locatorFor(String vehicle) {
        return byVehicle.getOrDefault(vehicle, fallback);
    }

    /** The vehicles with a profile of their own. */
    public java.util.Set<String> vehicles() {
        return byVehicle.keySet();
    }
}
