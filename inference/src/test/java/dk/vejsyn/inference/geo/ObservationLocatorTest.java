package dk.vejsyn.inference.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ObservationLocatorTest {
    private static final CameraModel CAM = CameraModel.refuseTruckDashcam();
    private static final GeoTag NORTHBOUND =
            GeoTag.of(55.3959, 10.3883, Instant.parse("2026-05-01T10:00:00Z")).withHeading(0);
    private final ObservationLocator locator = new ObservationLocator(CAM, 25);

    /** The box a flat rectangle on the road occupies in the image. */
    private static PixelBox boxOf(double forward, double right, double length, double width) {
        double[] a = CAM.groundToPixel(new GroundPoint(forward - length / 2, right - width / 2)).orElseThrow();
        double[] b = CAM.groundToPixel(new GroundPoint(forward - length / 2, right + width / 2)).orElseThrow();
        double[] c = CAM.groundToPixel(new GroundPoint(forward + length / 2, right - width / 2)).orElseThrow();
        double[] d = CAM.groundToPixel(new GroundPoint(forward + length / 2, right + width / 2)).orElseThrow();
        return new PixelBox(Math.min(a[0], c[0]), Math.min(c[1], d[1]), Math.max(b[0], d[0]), Math.max(a[1], b[1]));
    }

    @Test
    void potholeStraightAheadIsPlacedAtItsCentreWithItsSize() {
        PixelBox box = boxOf(12, 0, 0.6, 0.8);
        var r = locator.locate(new Detection(box, DamageType.POTHOLE, 0.9f), NORTHBOUND, 1280, 720, "t", 3, null);
        assertThat(r.isKept()).isTrue();
        Observation o = r.observation();
        LatLon truth = Georeferencer.locate(NORTHBOUND, new GroundPoint(12, 0));
        assertThat(Georeferencer.distanceM(truth.lat(), truth.lon(), o.position().lat(), o.position().lon()))
                .isLessThan(0.01);
        assertThat(o.distanceM()).isCloseTo(12, within(0.01));
        assertThat(o.widthM()).isCloseTo(0.8, within(0.01));
        assertThat(o.lengthM()).isCloseTo(0.6, within(0.01));
        assertThat(o.areaM2()).isCloseTo(Math.PI / 4 * 0.8 * 0.6, within(0.01));
        assertThat(o.frameIndex()).isEqualTo(3);
    }

    @Test
    void potholeToTheRightIsPlacedToTheRight() {
        // The box of an off-axis square is wider than the square (perspective), so the centre is
        // the box's bottom-centre/top-centre midpoint: allow a few centimetres.
        PixelBox box = boxOf(8, 1.5, 0.5, 0.5);
        Observation o = locator.locate(new Detection(box, DamageType.POTHOLE, 0.7f), NORTHBOUND, 1280, 720, "t", 0, null)
                .observation();
        LatLon truth = Georeferencer.locate(NORTHBOUND, new GroundPoint(8, 1.5));
        assertThat(Georeferencer.distanceM(truth.lat(), truth.lon(), o.position().lat(), o.position().lon()))
                .isLessThan(0.05);
        assertThat(Georeferencer.bearingDeg(55.3959, 10.3883, o.position().lat(), o.position().lon()))
                .isBetween(0.0, 90.0);
    }

    @Test
    void detectionsAboveTheHorizonAreDropped() {
        double h = CAM.horizonRow();
        PixelBox box = new PixelBox(600, h - 80, 680, h - 10);
        var r = locator.locate(new Detection(box, DamageType.POTHOLE, 0.9f), NORTHBOUND, 1280, 720, "t", 0, null);
        assertThat(r.dropped()).isEqualTo(DropReason.ABOVE_HORIZON);
    }

    @Test
    void detectionsBeyondMaxRangeAreDropped() {
        PixelBox box = boxOf(40, 0, 1, 1);
        var r = locator.locate(new Detection(box, DamageType.POTHOLE, 0.9f), NORTHBOUND, 1280, 720, "t", 0, null);
        assertThat(r.dropped()).isEqualTo(DropReason.BEYOND_RANGE);
    }

    @Test
    void withoutHeadingTheDetectionIsDroppedNotGuessed() {
        PixelBox box = boxOf(10, 0, 1, 1);
        GeoTag noHeading = GeoTag.of(55.3959, 10.3883, Instant.parse("2026-05-01T10:00:00Z"));
        var r = locator.locate(new Detection(box, DamageType.POTHOLE, 0.9f), noHeading, 1280, 720, "t", 0, null);
        assertThat(r.dropped()).isEqualTo(DropReason.NO_HEADING);
    }

    @Test
    void framesOfAnotherSizeUseTheScaledCamera() {
        PixelBox box = boxOf(12, 0, 0.6, 0.8);
        PixelBox half = new PixelBox(box.x1() / 2, box.y1() / 2, box.x2() / 2, box.y2() / 2);
        Observation o = locator.locate(new Detection(half, DamageType.POTHOLE, 0.9f), NORTHBOUND, 640, 360, "t", 0, null)
                .observation();
        assertThat(o.distanceM()).isCloseTo(12, within(0.02));
    }
}
