package dk.vejsyn.inference.render;

import java.util.SplittableRandom;

/**
 * Lighting and weather of a scene. Colours are BGR in 0..255.
 *
 * @param skyTop sky colour at the top of the image
 * @param skyHorizon sky colour at the horizon, also the haze colour
 * @param exposure overall brightness factor (1 = neutral)
 * @param contrast contrast factor about mid-grey (1 = neutral)
 * @param tint per-channel BGR gain (warm light at dusk, cool when overcast)
 * @param shadowStrength 0 (overcast, no cast shadows) .. 0.6 (low sun)
 * @param wetness 0 (dry) .. 1 (soaked): darkens asphalt, adds sky sheen and puddles
 * @param visibilityM distance at which haze covers about 63 % of the scene
 * @param rain 0 .. 1 density of rain streaks
 */
public record Weather(String name, double[] skyTop, double[] skyHorizon, double exposure, double contrast,
        double[] tint, double shadowStrength, double wetness, double visibilityM, double rain) {

    public static Weather sunny() {
        return new Weather("sunny", bgr(215, 150, 90), bgr(235, 215, 195), 1.08, 1.1,
                new double[] {0.97, 1.0, 1.04}, 0.5, 0, 900, 0);
    }

    public static Weather overcast() {
        return new Weather("overcast", bgr(185, 180, 175), bgr(215, 212, 208), 0.95, 0.92,
                new double[] {1.03, 1.0, 0.98}, 0, 0, 500, 0);
    }

    public static Weather wet() {
        return new Weather("wet", bgr(160, 155, 150), bgr(200, 198, 195), 0.85, 0.95,
                new double[] {1.04, 1.0, 0.97}, 0, 0.8, 350, 0);
    }

    public static Weather lightRain() {
        return new Weather("light-rain", bgr(150, 146, 142), bgr(190, 188, 186), 0.8, 0.85,
                new double[] {1.05, 1.0, 0.96}, 0, 1.0, 160, 0.6);
    }

    public static Weather haze() {
        return new Weather("haze", bgr(200, 195, 188), bgr(222, 220, 216), 1.0, 0.85,
                new double[] {1.0, 1.0, 1.0}, 0.15, 0.1, 90, 0);
    }

    public static Weather dusk() {
        return new Weather("dusk", bgr(120, 90, 80), bgr(150, 170, 210), 0.6, 1.0,
                new double[] {0.9, 0.98, 1.12}, 0.2, 0.2, 400, 0);
    }

    /** One of the presets, jittered; used for training variety. */
    public static Weather random(SplittableRandom rnd) {
        Weather[] presets = {sunny(), sunny(), overcast(), overcast(), wet(), lightRain(), haze(), dusk()};
        Weather w = presets[rnd.nextInt(presets.length)];
        double e = w.exposure * (0.85 + 0.3 * rnd.nextDouble());
        double c = w.contrast * (0.9 + 0.2 * rnd.nextDouble());
        double s = w.shadowStrength > 0 ? Math.min(0.65, w.shadowStrength * (0.6 + 0.8 * rnd.nextDouble())) : 0;
        double wet = Math.min(1, w.wetness * (0.7 + 0.6 * rnd.nextDouble()));
        double vis = w.visibilityM * (0.6 + 0.8 * rnd.nextDouble());
        return new Weather(w.name, w.skyTop, w.skyHorizon, e, c, w.tint, s, wet, vis, w.rain);
    }

    private static double[] bgr(double b, double g, double r) {
        return new double[] {b, g, r};
    }
}
