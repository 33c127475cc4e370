package dk.vejsyn.inference.render;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.GroundPoint;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.ObservationLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Geometry alone, independent of any model: the renderer's true boxes, projected through the
 * pipeline's georeferencing ({@link CameraModel#pixelToGround}, {@link Georeferencer#locate})
 * with the exact vehicle tags, land on the ground truth.
 *
 * <p>Convention: ground truth is the centre of each pothole's road-aligned bounding rectangle.
 * A box's bottom-centre is the pothole's near edge, its top-centre the far edge (a pothole is
 * flat on the road), so the located position is the midpoint of the two ground points. Using
 * the bottom-centre alone is off by half the pothole's length (reported below, looser bound).
 */
class GeometryEndToEndTest {
    private static final double MAX_RANGE_M = 25;
    private static final double RADIUS_M = 3;

    /** Located position of a box, by the pipeline's own locator (midpoint of near and far edge). */
    static Optional<LatLon> locateCentre(CameraModel cam, GeoTag tag, PixelBox b) {
        var result = new ObservationLocator(cam, MAX_RANGE_M).locate(
                new Detection(b, DamageType.POTHOLE, 1f), tag, cam.imageWidth(), cam.imageHeight(), "test", 0, null);
        return result.isKept() ? Optional.of(result.observation().position()) : Optional.empty();
    }

    static Optional<LatLon> locateBottom(CameraModel cam, GeoTag tag, PixelBox b) {
        Optional<GroundPoint> near = cam.pixelToGround(b.centreX(), b.y2());
        if (near.isEmpty() || near.get().distanceM() > MAX_RANGE_M) {
            return Optional.empty();
        }
        return Optional.of(Georeferencer.locate(tag, near.get()));
    }

    @Test
    void renderedDriveBoxesLocateThePotholes() {
        RouteSpec spec = RouteSpec.straight("test", new RouteSpec.Waypoint(55.3733, 10.4118),
                new RouteSpec.Waypoint(55.36935, 10.4133), 36, 30, 10, Instant.parse("2026-10-14T09:30:00Z"));
        DriveRenderer.Drive drive = new DriveRenderer(spec, 4, 10, 0).prepare();
        CameraModel cam = spec.camera();
        List<LatLon> centres = new ArrayList<>();
        List<LatLon> bottoms = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            double t = k / 10.0;
            double s = drive.plan().sAt(t);
            double d = drive.plan().dAt(t);
            GeoTag tag = drive.plan().tagAt(t);
            for (PotholeView v : PotholeProjector.visible(cam, drive.scene().potholes(), s, d)) {
                if (!v.clipped()) {
                    locateCentre(cam, tag, v.box()).ifPresent(centres::add);
                    locateBottom(cam, tag, v.box()).ifPresent(bottoms::add);
                }
            }
        }
        List<GroundTruth.Item> truth = drive.scene().potholes().stream().map(p -> {
            Footprint f = p.footprint();
            return new GroundTruth.Item(p.id(), "pothole", drive.path().locate(f.centreS(), f.centreD()), f.widthM(),
                    f.lengthM(), f.areaM2(), true);
        }).toList();
        GroundTruthMatcher.Result r = GroundTruthMatcher.match(centres, truth, RADIUS_M);
        assertThat(r.missed()).isEmpty();
        assertThat(r.falseAlarms()).isEmpty();
        assertThat(r.medianErrorM()).isLessThanOrEqualTo(0.3);
        GroundTruthMatcher.Result bottom = GroundTruthMatcher.match(bottoms, truth, RADIUS_M);
        System.out.printf("rendered drive: %d sightings, median error %.3f m (box centre), %.3f m (bottom-centre only)%n",
                centres.size(), r.medianErrorM(), bottom.medianErrorM());
        assertThat(bottom.missed()).isEmpty();
        assertThat(bottom.medianErrorM()).isLessThanOrEqualTo(0.7);
    }

    @Test
    void bundledDriveFramesLocateItsPotholes() throws IOException {
        Path dir = Path.of("../sample-images/odense-drive");
        Assumptions.assumeTrue(Files.exists(dir.resolve("frames.csv")), "bundled drive not rendered yet");
        CameraModel cam = CameraModel.fromJson(dir.resolve("camera.json"));
        GroundTruth truth = GroundTruth.read(dir.resolve("ground-truth.geojson"));
        List<LatLon> located = new ArrayList<>();
        List<String> lines = Files.readAllLines(dir.resolve("frames.csv"));
        assertThat(lines.get(0)).isEqualTo(DriveRenderer.FRAMES_HEADER);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            if (c[6].isEmpty() || c[11].equals("1") || Double.parseDouble(c[12]) > MAX_RANGE_M) {
                continue;
            }
            GeoTag tag = new GeoTag(Double.parseDouble(c[3]), Double.parseDouble(c[4]), Double.parseDouble(c[5]),
                    Double.NaN, Instant.parse(c[2]), 0, Double.NaN);
            PixelBox box = new PixelBox(Double.parseDouble(c[7]), Double.parseDouble(c[8]), Double.parseDouble(c[9]),
                    Double.parseDouble(c[10]));
            locateCentre(cam, tag, box).ifPresent(located::add);
        }
        GroundTruthMatcher.Result r = GroundTruthMatcher.match(located, truth.potholes(), RADIUS_M);
        System.out.printf("bundled drive: %d sightings, %d clusters, median error %.3f m%n", located.size(),
                r.matches().size() + r.falseAlarms().size(), r.medianErrorM());
        assertThat(truth.potholes()).hasSizeBetween(8, 14);
        assertThat(r.missed()).isEmpty();
        assertThat(r.medianErrorM()).isLessThanOrEqualTo(0.3);
    }
}
