/**
 * Procedural footage with ground truth: what a forward-facing camera on a municipal vehicle
 * sees of a street with potholes, rendered with the same {@link dk.vejsyn.inference.geo.CameraModel}
 * the georeferencing uses, so every pixel box has an exactly known place on the ground.
 *
 * <h2>How a frame is made</h2>
 * <ol>
 *   <li>{@link dk.vejsyn.inference.render.SceneGenerator} builds a {@link
 *       dk.vejsyn.inference.render.RoadScene} in road coordinates ({@code s} metres along the route,
 *       {@code d} metres right of the centre line): layout, weather, potholes, distractors,
 *       roadside objects, shadows. Deterministic per seed ({@link java.util.SplittableRandom} and
 *       hash noise, never a shared generator).
 *   <li>{@code RoadSurface} paints the whole ground once into a top-down texture (2.5 cm per
 *       texel) with copies averaged along the road for distance.
 *   <li>{@link dk.vejsyn.inference.render.SceneRenderer} precomputes, per camera, where each
 *       pixel's ray meets the road ({@code CameraModel.pixelToGround}); a frame is then one
 *       {@code remap} of the texture shifted to the vehicle's position, haze and wet sheen by
 *       distance, projected roadside shapes, grading, rain and grain.
 *   <li>{@link dk.vejsyn.inference.render.PotholeProjector} projects each pothole's edge with
 *       {@code CameraModel.worldToPixel} to get its true box.
 * </ol>
 *
 * <h2>Conventions</h2>
 * A pothole's ground-truth position is the centre of its road-aligned bounding rectangle on the
 * ground; {@code width_m} is across the road, {@code length_m} along it. The road is drawn as
 * straight along the vehicle's current route segment ({@link dk.vejsyn.inference.render.RoutePath}).
 */
package dk.vejsyn.inference.render;
