package dk.vejsyn.inference.render;

/**
 * A soft cast shadow on the ground (of a tree crown or a building), an ellipse in road
 * coordinates; its darkness comes from the scene's {@link Weather#shadowStrength()}.
 */
public record Shadow(double sM, double dM, double lengthM, double widthM, double softness) {}
