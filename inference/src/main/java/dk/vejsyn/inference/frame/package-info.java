/**
 * Frames and where they come from.
 *
 * <p>The pipeline asks {@link dk.vejsyn.inference.frame.FrameSources} for a
 * {@link dk.vejsyn.inference.frame.FrameSource} and pulls
 * {@link dk.vejsyn.inference.frame.GeoFrame}s from it. A source decodes its input, geotags every
 * frame (from a GPS track for video, from EXIF for stills), and keeps one frame per few metres
 * travelled ({@link dk.vejsyn.inference.frame.DistanceSampler}); what it skips, and why, it counts
 * in {@link dk.vejsyn.inference.frame.SourceStats}. Bad input is reported as
 * {@link dk.vejsyn.inference.InputException} naming the file and the line or frame.
 */
package dk.vejsyn.inference.frame;
