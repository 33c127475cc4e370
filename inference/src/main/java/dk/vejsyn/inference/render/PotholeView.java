package dk.vejsyn.inference.render;

import dk.vejsyn.inference.detect.PixelBox;

/**
 * How one pothole appears in one frame: its true box in frame pixels (clipped to the image), the
 * ground distance from the camera to its centre, and whether the box was cut by the image border
 * (then its bottom edge is not the pothole's near edge).
 */
public record PotholeView(String potholeId, PixelBox box, double distanceM, boolean clipped) {}
