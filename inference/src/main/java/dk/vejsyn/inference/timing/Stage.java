package dk.vejsyn.inference.timing;

/** The fixed stages every pipeline reports times for, in processing order. */
public enum Stage {
    /** Reading and decoding frames, geotagging and sampling them. */
    DECODE,
    /** Letterboxing and normalising a frame into the model's input tensor. */
    PREPROCESS,
    /** The model's forward pass. */
    INFERENCE,
    /** Decoding raw output to boxes, NMS, mapping boxes back to the frame. */
    POSTPROCESS,
    /** Projecting boxes onto the ground and placing them on the map; evidence crops. */
    GEOREFERENCE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
