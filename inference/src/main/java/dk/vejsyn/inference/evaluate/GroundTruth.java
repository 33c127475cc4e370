package dk.vejsyn.inference.evaluate;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.PixelBox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A labelled dataset in the layout of {@code ../shared/datasets}: {@code images/}, YOLO
 * {@code labels/} ("class cx cy w h", normalised) and optional {@code splits/<split>.txt}.
 */
public final class GroundTruth {
    private GroundTruth() {}

    /** A labelled box in image pixels. */
    public record Box(int classId, PixelBox box) {}

    /** Image file names of a split, or of every image when {@code split} is null or there is no splits/ folder. */
    public static List<String> imageNames(Path dataset, String split) {
        Path images = dataset.resolve("images");
        if (!Files.isDirectory(images)) {
            throw new InputException("not a dataset (no images/ folder): " + dataset);
        }
        Path splits = dataset.resolve("splits");
        try {
            if (split != null && Files.isDirectory(splits)) {
                Path f = splits.resolve(split + ".txt");
                if (!Files.isRegularFile(f)) {
                    throw new InputException("no split '" + split + "' in " + splits);
                }
                return Files.readAllLines(f).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            }
            try (Stream<Path> s = Files.list(images)) {
                return s.map(p -> p.getFileName().toString())
                        .filter(n -> n.toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|bmp)$"))
                        .sorted().toList();
            }
        } catch (IOException e) {
            throw new InputException("cannot read dataset " + dataset + ": " + e.getMessage(), e);
        }
    }

    /** A labelled box in image pixels with its class name after the source's label table. */
    public record Label(String className, PixelBox box) {}

    /**
     * The labelled boxes of one image, from every label folder of its source, each dataset id
     * mapped to a class name by the source's table ({@link LabelSources}); none when it has no
     * label files. An id the table does not list, or a malformed line, is an error naming the file
     * and line: nothing is passed through.
     */
    public static List<Label> labels(LabelSources.Source source, Path dataset, String imageName, int width, int height) {
        String stem = imageName.contains(".") ? imageName.substring(0, imageName.lastIndexOf('.')) : imageName;
        List<Label> out = new ArrayList<>();
        for (LabelSources.Folder folder : source.folders()) {
            Path f = dataset.resolve(folder.folder()).resolve(stem + ".txt");
            if (!Files.isRegularFile(f)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                throw new InputException("cannot read " + f + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] v = line.split("\\s+");
                double c;
                double cx;
                double cy;
                double w;
                double h;
                try {
                    if (v.length < 5) {
                        throw new NumberFormatException();
                    }
                    c = Double.parseDouble(v[0]);
                    cx = Double.parseDouble(v[1]);
                    cy = Double.parseDouble(v[2]);
                    w = Double.parseDouble(v[3]);
                    h = Double.parseDouble(v[4]);
                } catch (NumberFormatException e) {
                    throw new InputException(f + ":" + (i + 1) + ": expected 'class cx cy w h', got '" + line + "'");
                }
                if (c != Math.rint(c) || !folder.ids().containsKey((int) c)) {
                    throw new InputException(f + ":" + (i + 1) + ": class id " + v[0] + " is not in the label table of "
                            + source.name() + " " + folder.folder() + "/ (ids " + new java.util.TreeSet<>(folder.ids().keySet())
                            + "); add it to LabelSources and LABEL_SOURCES in models/training/common.py");
                }
                out.add(new Label(folder.ids().get((int) c), new PixelBox((cx - w / 2) * width, (cy - h / 2) * height,
                        (cx + w / 2) * width, (cy + h / 2) * height)));
            }
        }
        return out;
    }

    /**
     * The boxes of {@code labels/} of one image with the dataset's own class ids, unmapped; none
     * when it has no label file. Evaluation uses {@link #labels(LabelSources.Source, Path, String, int, int)}.
     */
    public static List<Box> labels(Path dataset, String imageName, int width, int height) {
        String stem = imageName.contains(".") ? imageName.substring(0, imageName.lastIndexOf('.')) : imageName;
        Path f = dataset.resolve("labels").resolve(stem + ".txt");
        List<Box> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                String[] v = lines.get(i).trim().split("\\s+");
                if (v.length < 5) {
                    continue;
                }
                try {
                    int c = (int) Double.parseDouble(v[0]);
                    double cx = Double.parseDouble(v[1]);
                    double cy = Double.parseDouble(v[2]);
                    double w = Double.parseDouble(v[3]);
                    double h = Double.parseDouble(v[4]);
                    out.add(new Box(c, new PixelBox((cx - w / 2) * width, (cy - h / 2) * height,
                            (cx + w / 2) * width, (cy + h / 2) * height)));
                } catch (IllegalArgumentException e) {
                    throw new InputException(f + ":" + (i + 1) + ": not a YOLO label line: " + lines.get(i));
                }
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + f + ": " + e.getMessage(), e);
        }
        return out;
    }
}
