package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.render.DatasetRenderer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vejsyn render-dataset}: rendered training images with YOLO labels. */
@Command(name = "render-dataset", mixinStandardHelpOptions = true,
        description = "Render road scenes with potholes as a YOLO dataset (layout of shared/datasets).")
final class RenderDatasetCommand implements Callable<Integer> {

    @Option(names = "--count", required = true, description = "Number of images.")
    int count;

    @Option(names = "--out", required = true, description = "Output folder (images/, labels/, splits/, SOURCE.md).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--distractors", defaultValue = "" + DatasetRenderer.DEFAULT_MAX_DISTRACTORS,
            description = "Most distractors (patches, manhole covers, cracks, paint; not labelled) per scene, "
                    + "drawn uniformly from 0; raise it for a hard-negative set (default: ${DEFAULT-VALUE}).")
    int distractors;

    @Override
    public Integer call() {
        if (count <= 0) {
            throw new IllegalArgumentException("--count must be positive: " + count);
        }
        if (distractors < 0) {
            throw new IllegalArgumentException("--distractors must be 0 or more: " + distractors);
        }
        long t0 = System.nanoTime();
        new DatasetRenderer(seed, distractors).write(out, count, i -> {
            if ((i + 1) % 50 == 0 || i + 1 == count) {
                double s = (System.nanoTime() - t0) / 1e9;
                System.err.printf("render-dataset: %d/%d images, %.1f s%n", i + 1, count, s);
            }
        });
        System.out.println("wrote " + count + " images to " + out);
        return 0;
    }
}
