package dk.vejsyn.inference.render;

import org.bytedeco.javacpp.Loader;

/** Loads the natives behind OpenCV's {@code org.opencv.*} Java API (bytedeco build) once. */
final class OpenCv {
    private static volatile boolean loaded;

    private OpenCv() {}

    static void load() {
        if (!loaded) {
            synchronized (OpenCv.class) {
                if (!loaded) {
                    Loader.load(org.bytedeco.opencv.opencv_java.class);
                    loaded = true;
                }
            }
        }
    }
}
