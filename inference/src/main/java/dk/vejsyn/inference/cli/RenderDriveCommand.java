package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.render.DriveRenderer;
import dk.vejsyn.inference.render.RouteSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vejsyn render-drive}: a rendered drive with video, track, geotagged images and ground truth. */
@Command(name = "render-drive", mixinStandardHelpOptions = true,
        description = "Render a drive along a route: MP4, GPX, geotagged JPEGs, ground truth, per-frame boxes.")
final class RenderDriveCommand implements Callable<Integer> {

    @Option(names = "--route", required = true, description = "Route JSON (waypoints, speed, start time).")
    Path route;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--fps", defaultValue = "10", description = "Video frame rate (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--gps-noise-m", defaultValue = "0",
            description = "RMS GPS error in drive.gpx and the JPEGs' EXIF, metres (default: ${DEFAULT-VALUE}).")
    double gpsNoiseM;

    @Option(names = "--roads-only",
            description = "Write only the road network around the route (roads.geojson), no footage.")
    boolean roadsOnly;

    @Override
    public Integer call() {
        RouteSpec spec = RouteSpec.read(route);
        if (roadsOnly) {
            try {
                java.nio.file.Files.createDirectories(out);
            } catch (java.io.IOException e) {
                throw new dk.vejsyn.inference.InputException("cannot create " + out + ": " + e.getMessage(), e);
            }
            dk.vejsyn.inference.render.SampleRoadNetwork.write(out.resolve(DriveRenderer.ROADS_FILE), spec);
            System.out.println("wrote " + out.resolve(DriveRenderer.ROADS_FILE));
            return 0;
        }
        long t0 = System.nanoTime();
        DriveRenderer.Result r;
        try {
            r = new DriveRenderer(spec, seed, fps, gpsNoiseM).render(out);
        } catch (IllegalArgumentException e) {
            throw new dk.vejsyn.inference.InputException(route + ": " + e.getMessage(), e);
        }
        System.out.printf(java.util.Locale.ROOT,
                "wrote %s: %d frames (%s), %d images, %d potholes, %d distractors; render %.1f ms/frame, total %.1f s%n",
                out, r.frames(), r.codec(), r.images(), r.potholes(), r.distractors(), r.msPerFrame(),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
