package dk.vejsyn.inference.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The crack typing rule on its own, and through the locator on boxes of known road rectangles. */
class CrackTypingTest {
    private static final CrackTyping RULE = CrackTyping.DEFAULT;
    private static final CameraModel CAM = CameraModel.refuseTruckDashcam();
    private static final GeoTag NORTHBOUND =
            GeoTag.of(55.3959, 10.3883, Instant.parse("2026-05-01T10:00:00Z")).withHeading(0);

    @Test
    void elongatedAlongTheRoadIsLongitudinalAcrossItTransverse() {
        assertThat(RULE.type(DamageType.CRACK, 0.3, 2.0, 8)).isEqualTo(DamageType.LONGITUDINAL_CRACK);
        assertThat(RULE.type(DamageType.CRACK, 2.0, 0.3, 8)).isEqualTo(DamageType.TRANSVERSE_CRACK);
    }

    @Test
    void theElongationThresholdIsInclusive() {
        assertThat(RULE.type(DamageType.CRACK, 0.4, 1.0, 8)).isEqualTo(DamageType.LONGITUDINAL_CRACK); // 2.5 x
        assertThat(RULE.type(DamageType.CRACK, 0.4, 0.99, 8)).isEqualTo(DamageType.CRACK);
        assertThat(RULE.type(DamageType.CRACK, 1.0, 0.4, 8)).isEqualTo(DamageType.TRANSVERSE_CRACK);
    }

    @Test
    void largeInBothDirectionsIsAlligatorSmallAndSquarishStaysCrack() {
        assertThat(RULE.type(DamageType.CRACK, 1.5, 1.2, 8)).isEqualTo(DamageType.ALLIGATOR_CRACK);
        assertThat(RULE.type(DamageType.CRACK, 1.0, 1.0, 8)).isEqualTo(DamageType.ALLIGATOR_CRACK);
        assertThat(RULE.type(DamageType.CRACK, 0.99, 1.5, 8)).isEqualTo(DamageType.CRACK);
        assertThat(RULE.type(DamageType.CRACK, 0.5, 0.6, 8)).isEqualTo(DamageType.CRACK);
    }

    @Test
    void anUntrustedFootprintStaysCrack() {
        assertThat(RULE.type(DamageType.CRACK, 0.3, 2.0, 12.01)).isEqualTo(DamageType.CRACK); // too far
        assertThat(RULE.type(DamageType.CRACK, 0.3, 2.0, 12.0)).isEqualTo(DamageType.LONGITUDINAL_CRACK);
        assertThat(RULE.type(DamageType.CRACK, 0.3, Double.NaN, 8)).isEqualTo(DamageType.CRACK); // no far edge
        assertThat(RULE.type(DamageType.CRACK, Double.NaN, 2.0, 8)).isEqualTo(DamageType.CRACK);
        assertThat(new CrackTyping(false, 2.5, 1, 12).type(DamageType.CRACK, 0.3, 2.0, 8)).isEqualTo(DamageType.CRACK);
    }

    @Test
    void potholesAndCracksTheModelTypedItselfKeepTheirType() {
        assertThat(RULE.type(DamageType.POTHOLE, 0.3, 2.0, 8)).isEqualTo(DamageType.POTHOLE);
        assertThat(RULE.type(DamageType.TRANSVERSE_CRACK, 0.3, 2.0, 8)).isEqualTo(DamageType.TRANSVERSE_CRACK);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new CrackTyping(true, 1.0, 1, 12)).hasMessageContaining("elongation");
        assertThatThrownBy(() -> new CrackTyping(true, 2, 0, 12)).hasMessageContaining("alligator");
        assertThatThrownBy(() -> new CrackTyping(true, 2, 1, Double.NaN)).hasMessageContaining("distance");
    }

    @Test
    void aCracksLengthIsTheLongerExtentOfItsFootprint() {
        assertThat(CrackTyping.crackLengthM(0.3, 2.0)).isEqualTo(2.0);
        assertThat(CrackTyping.crackLengthM(3.1, 0.2)).isEqualTo(3.1);
        assertThat(CrackTyping.crackLengthM(Double.NaN, 0.8)).isEqualTo(0.8);
    }

    /** The box a flat rectangle on the road occupies in the image. */
    private static PixelBox boxOf(double forward, double right, double length, double width) {
        double[] a = CAM.groundToPixel(new GroundPoint(forward - length / 2, right - width / 2)).orElseThrow();
        double[] b = CAM.groundToPixel(new GroundPoint(forward - length / 2, right + width / 2)).orElseThrow();
        double[] c = CAM.groundToPixel(new GroundPoint(forward + length / 2, right - width / 2)).orElseThrow();
        double[] d = CAM.groundToPixel(new GroundPoint(forward + length / 2, right + width / 2)).orElseThrow();
        return new PixelBox(Math.min(a[0], c[0]), Math.min(c[1], d[1]), Math.max(b[0], d[0]), Math.max(a[1], b[1]));
    }

    private static Observation locate(ObservationLocator locator, PixelBox box) {
        var r = locator.locate(new Detection(box, DamageType.CRACK, 0.6f), NORTHBOUND, 1280, 720, "t", 1, null);
        assertThat(r.isKept()).isTrue();
        return r.observation();
    }

    @Test
    void theLocatorTypesACrackByItsGroundFootprintAndGivesItsLength() {
        ObservationLocator locator = new ObservationLocator(CAM, 25);
        Observation along = locate(locator, boxOf(8, 0, 2.4, 0.2));
        assertThat(along.type()).isEqualTo(DamageType.LONGITUDINAL_CRACK);
        assertThat(along.lengthM()).isCloseTo(2.4, within(0.02));
        assertThat(along.widthM()).isCloseTo(0.2, within(0.02));
        // Off to the side, perspective widens the box (here to about 0.3 m): still clearly longitudinal.
        assertThat(locate(locator, boxOf(8, 1.5, 2.4, 0.2)).type()).isEqualTo(DamageType.LONGITUDINAL_CRACK);

        Observation across = locate(locator, boxOf(7, 0, 0.25, 3.0));
        assertThat(across.type()).isEqualTo(DamageType.TRANSVERSE_CRACK);
        assertThat(across.lengthM()).as("a transverse crack's length runs across the road").isCloseTo(3.0, within(0.02));
        // Area stays that of the footprint (ellipse of its width and along-road extent).
        assertThat(across.areaM2()).isCloseTo(Math.PI / 4 * 3.0 * 0.25, within(0.02));

        assertThat(locate(locator, boxOf(8, 0, 1.6, 1.8)).type()).isEqualTo(DamageType.ALLIGATOR_CRACK);
        assertThat(locate(locator, boxOf(8, 0, 0.5, 0.6)).type()).isEqualTo(DamageType.CRACK);
        // The same long crack 18 m ahead is too coarse to type.
        assertThat(locate(locator, boxOf(18, 0, 2.4, 0.2)).type()).isEqualTo(DamageType.CRACK);
    }

    @Test
    void theLocatorsSettingDecides() {
        ObservationLocator off = new ObservationLocator(CAM, 25, new CrackTyping(false, 2.5, 1, 12));
        Observation o = locate(off, boxOf(8, 0, 2.4, 0.2));
        assertThat(o.type()).isEqualTo(DamageType.CRACK);
        assertThat(o.lengthM()).isCloseTo(2.4, within(0.02));
    }
}
