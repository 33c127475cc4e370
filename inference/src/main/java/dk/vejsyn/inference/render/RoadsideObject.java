package dk.vejsyn.inference.render;

/**
 * Something standing beside the road (building facade, tree, lamp post), drawn as a simple
 * projected shape so the camera has a plausible background and the scene moves past.
 *
 * @param sM start along the road (facade) or position (tree, post)
 * @param lengthM facade length along the road; canopy diameter for trees
 * @param heightM height above the road
 * @param colour BGR base colour
 */
public record RoadsideObject(Kind kind, double sM, double dM, double lengthM, double heightM, double[] colour) {

    /** Kinds of roadside objects. */
    public enum Kind { BUILDING, TREE, POST }
}
