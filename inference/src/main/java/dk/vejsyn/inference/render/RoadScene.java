package dk.vejsyn.inference.render;

import java.util.List;

/**
 * Everything in one rendered world, in road coordinates ({@code s} metres along the route from
 * its start, {@code d} metres right of the centre line): the road, what lies on it, what stands
 * beside it, and the weather. The road is treated as straight in these coordinates; the route
 * maps them to WGS84.
 *
 * @param sStartM first road position the scene covers (may be negative, behind the start)
 * @param sEndM last road position the scene covers
 */
public record RoadScene(long seed, RoadLayout layout, Weather weather, double sStartM, double sEndM,
        List<Pothole> potholes, List<Distractor> distractors, List<RoadsideObject> roadside,
        List<Shadow> shadows) {

    public RoadScene {
        potholes = List.copyOf(potholes);
        distractors = List.copyOf(distractors);
        roadside = List.copyOf(roadside);
        shadows = List.copyOf(shadows);
    }

    /** The same scene with other potholes (distractors keep their places). */
    public RoadScene withPotholes(List<Pothole> others) {
        return new RoadScene(seed, layout, weather, sStartM, sEndM, others, distractors, roadside, shadows);
    }
}
