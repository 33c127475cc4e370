package dk.vejsyn.inference.evaluate;

import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which dataset class id is which class, per source and label folder. The datasets' ids are their
 * own (id 4 is "crack, type not given" in {@code dnit-brazil-highway-potholes/labels-crack/} but
 * road paint in the project's rendered scenes), so they are mapped explicitly, never passed
 * through. The same table as {@code LABEL_SOURCES} in {@code models/training/common.py}
 * (models/README.md §2): training and both evaluators read labels alike.
 */
public final class LabelSources {
    private LabelSources() {}

    /** Class names a label can map to; typed cracks count as {@code crack} when evaluating. */
    public static final String POTHOLE = "pothole";
    public static final String CRACK = "crack";

    /**
     * One label folder of a source.
     *
     * @param folder folder beside {@code images/}, e.g. {@code labels-crack}
     * @param ids dataset class id to class name
     * @param annotates class names this folder is exhaustive for: an image without such a box has none
     */
    public record Folder(String folder, Map<Integer, String> ids, Set<String> annotates) {
        public Folder {
            ids = Map.copyOf(ids);
            annotates = Set.copyOf(annotates);
        }
    }

    /** A dataset source: its name and label folders. */
    public record Source(String name, List<Folder> folders) {
        public Source {
            folders = List.copyOf(folders);
        }

        /**
         * True if the source's labels are exhaustive for {@code evaluated} ({@code pothole} or
         * {@code crack}; typed crack labels annotate {@code crack}). A source that is not is
         * skipped for that class: its images are no negatives for it.
         */
        public boolean annotates(String evaluated) {
            return folders.stream().flatMap(f -> f.annotates().stream()).anyMatch(c -> evaluatedClass(c).equals(evaluated));
        }
    }

    private static final Set<String> TYPED_CRACKS = Set.of("crack_longitudinal", "crack_transverse", "crack_alligator");

    static final Source CHITHOLIAN = new Source("chitholian-annotated-potholes",
            List.of(new Folder("labels", Map.of(0, POTHOLE), Set.of(POTHOLE)))); // its cracks are not labelled
    static final Source DNIT = new Source("dnit-brazil-highway-potholes", List.of(
            new Folder("labels", Map.of(0, POTHOLE), Set.of(POTHOLE)),
            new Folder("labels-crack", Map.of(4, CRACK), Set.of(CRACK)))); // crack type not given
    static final Source RDD2022 = new Source("rdd2022-china-motorbike", List.of(
            new Folder("labels", Map.of(0, POTHOLE, 1, "crack_longitudinal", 2, "crack_transverse", 3, "crack_alligator"),
                    Set.of(POTHOLE, CRACK, "crack_longitudinal", "crack_transverse", "crack_alligator"))));
    /** The project's rendered scenes ({@code bin/vejsyn render-dataset}), known by their SOURCE.md title. */
    static final Source RENDERED = new Source("vejsyn-render", List.of(
            new Folder("labels", Map.of(0, POTHOLE, 1, CRACK, 2, "patch", 3, "manhole_cover", 4, "road_paint"),
                    Set.of(POTHOLE, CRACK, "patch", "manhole_cover", "road_paint"))));
    /** Any other folder (a temporary subset, a private hold-out set): potholes only, id 0. */
    static final Source POTHOLE_ONLY = new Source("unknown source (potholes only, id 0)",
            List.of(new Folder("labels", Map.of(0, POTHOLE), Set.of(POTHOLE))));

    private static final Map<String, Source> BY_NAME =
            Map.of(CHITHOLIAN.name(), CHITHOLIAN, DNIT.name(), DNIT, RDD2022.name(), RDD2022);

    /**
     * The source of a dataset folder: the rendered scenes by their SOURCE.md title
     * ({@code # vejsyn-render ...}), the shared sources by folder name (or SOURCE.md title), else
     * {@link #POTHOLE_ONLY}.
     */
    public static Source of(Path dataset) {
        String title = sourceMdTitle(dataset);
        if ("vejsyn-render".equals(title)) {
            return RENDERED;
        }
        Path fileName = dataset.toAbsolutePath().normalize().getFileName();
        Source byFolder = fileName == null ? null : BY_NAME.get(fileName.toString());
        if (byFolder != null) {
            return byFolder;
        }
        return title != null && BY_NAME.containsKey(title) ? BY_NAME.get(title) : POTHOLE_ONLY;
    }

    /** The class a label name is evaluated as: typed cracks as {@code crack}, others as themselves. */
    public static String evaluatedClass(String label) {
        return TYPED_CRACKS.contains(label) ? CRACK : label;
    }

    private static String sourceMdTitle(Path dataset) {
        Path md = dataset.resolve("SOURCE.md");
        if (!Files.isRegularFile(md)) {
            return null;
        }
        try {
            String first = Files.readString(md).strip().split("\n", 2)[0];
            if (!first.startsWith("# ") || first.length() <= 2) {
                return null;
            }
            return first.substring(2).strip().split("\\s+")[0];
        } catch (IOException e) {
            throw new InputException("cannot read " + md + ": " + e.getMessage(), e);
        }
    }
}
