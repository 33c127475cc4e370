package dk.vejsyn.inference.detect;

/**
 * How a frame was fitted into the model's input: scaled by {@code scale} (aspect kept) and
 * centred with {@code padX} / {@code padY} pixels of padding on the left / top. Maps boxes from
 * model-input pixels back to frame pixels.
 */
public record Letterbox(int frameWidth, int frameHeight, int inputWidth, int inputHeight,
        double scale, int scaledWidth, int scaledHeight, int padX, int padY) {

    /** The letterbox for a frame of the given size into the given input size. */
    public static Letterbox fit(int frameWidth, int frameHeight, int inputWidth, int inputHeight) {
        if (frameWidth <= 0 || frameHeight <= 0) {
            throw new IllegalArgumentException("frame has no pixels: " + frameWidth + "x" + frameHeight);
        }
        double scale = Math.min((double) inputWidth / frameWidth, (double) inputHeight / frameHeight);
        int w = Math.max(1, (int) Math.round(frameWidth * scale));
        int h = Math.max(1, (int) Math.round(frameHeight * scale));
        int padX = (inputWidth - w) / 2;
        int padY = (inputHeight - h) / 2;
        return new Letterbox(frameWidth, frameHeight, inputWidth, inputHeight, scale, w, h, padX, padY);
    }

    /** A box in model-input pixels mapped to frame pixels and clipped to the frame. */
    public PixelBox toFrame(PixelBox inputBox) {
        return new PixelBox(
                (inputBox.x1() - padX) / scale,
                (inputBox.y1() - padY) / scale,
                (inputBox.x2() - padX) / scale,
                (inputBox.y2() - padY) / scale).clip(frameWidth, frameHeight);
    }
}
