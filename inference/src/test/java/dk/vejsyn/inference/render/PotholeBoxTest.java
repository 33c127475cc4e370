package dk.vejsyn.inference.render;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.geo.CameraModel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Core;
import org.opencv.imgproc.Imgproc;

class PotholeBoxTest {
    private final CameraModel camera = CameraModel.refuseTruckDashcam();
    private final RoadLayout layout = RoadLayout.municipalStreet();

    @Test
    void trueBoxContainsTheProjectionOfThePotholesPosition() {
        RoadScene scene = SceneGenerator.forDrive(21, 200, 12, layout, Weather.overcast(), layout.drivingLaneCentreM());
        int checked = 0;
        for (double s = 0; s < 200; s += 2.5) {
            double d = layout.drivingLaneCentreM();
            for (PotholeView v : PotholeProjector.visible(camera, scene.potholes(), s, d)) {
                if (v.clipped()) {
                    continue;
                }
                Pothole p = scene.potholes().stream().filter(x -> x.id().equals(v.potholeId())).findFirst().orElseThrow();
                Footprint f = p.footprint();
                Optional<double[]> centre = camera.groundToPixel(new dk.vejsyn.inference.geo.GroundPoint(
                        f.centreS() - s, f.centreD() - d));
                assertThat(centre).isPresent();
                PixelBox b = v.box();
                assertThat(centre.get()[0]).isBetween(b.x1(), b.x2());
                assertThat(centre.get()[1]).isBetween(b.y1(), b.y2());
                // The box's bottom edge is the pothole's near edge.
                double nearRow = camera.groundToPixel(new dk.vejsyn.inference.geo.GroundPoint(f.sMin() - s, f.centreD() - d))
                        .orElseThrow()[1];
                assertThat(b.y2()).isCloseTo(nearRow, org.assertj.core.data.Offset.offset(0.5));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void renderedPotholeIsDarkerThanTheRoadAroundIt() {
        Pothole p = new Pothole("P01", 8, layout.drivingLaneCentreM(), 0.9, 0.7, 0.2, new double[] {0.05, 0, 0, 0},
                new double[4], 0.8, 0);
        RoadScene scene = new RoadScene(3, layout, Weather.overcast(), -5, 80, List.of(p), List.of(), List.of(), List.of());
        try (SceneRenderer r = new SceneRenderer(camera, scene)) {
            Mat img = r.render(0, layout.drivingLaneCentreM(), 0);
            List<PotholeView> views = r.visiblePotholes(0, layout.drivingLaneCentreM());
            assertThat(views).hasSize(1);
            PixelBox b = views.get(0).box();
            Mat grey = new Mat();
            Imgproc.cvtColor(img, grey, Imgproc.COLOR_BGR2GRAY);
            int cx = (int) b.centreX();
            int cy = (int) b.centreY();
            int hw = (int) (b.width() / 6);
            int hh = Math.max(1, (int) (b.height() / 6));
            double inside = Core.mean(grey.submat(new Rect(cx - hw, cy - hh, 2 * hw, 2 * hh))).val[0];
            // Road beside the pothole, same rows, one box width to the left.
            double beside = Core.mean(grey.submat(new Rect((int) (b.x1() - b.width()), cy - hh, 2 * hw, 2 * hh))).val[0];
            assertThat(inside).isLessThan(beside * 0.75);
        }
    }
}
