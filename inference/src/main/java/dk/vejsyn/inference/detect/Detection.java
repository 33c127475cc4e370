package dk.vejsyn.inference.detect;

import java.util.Objects;

/**
 * One damage instance the model found in one frame: a box in frame pixels (not model-input
 * pixels), its damage type and the model's score in [0, 1].
 */
public record Detection(PixelBox box, DamageType type, float score) {
    public Detection {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(type, "type");
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score outside [0, 1]: " + score);
        }
    }
}
