package dk.vejsyn.inference.frame;

import dk.vejsyn.inference.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The JPEG files of a folder (with sub-folders) or of a zip archive, readable by name. Zip
 * entries are streamed from the archive, never extracted to disk. Names are in path order;
 * entries that are not {@code .jpg}/{@code .jpeg}, hidden files and macOS resource forks are
 * ignored.
 */
abstract class ImageArchive implements AutoCloseable {

    /** Opens {@code dirOrZip}. */
    static ImageArchive open(Path dirOrZip) {
        if (Files.isDirectory(dirOrZip)) {
            return new Folder(dirOrZip);
        }
        if (Files.isRegularFile(dirOrZip)) {
            return new Zip(dirOrZip);
        }
        throw new InputException(dirOrZip + ": no such folder or zip file");
    }

    abstract List<String> names();

    abstract InputStream open(String name) throws IOException;

    /** How to name an image in messages: its path, or {@code archive.zip!/entry}. */
    abstract String describe(String name);

    @Override
    public abstract void close();

    static boolean isJpeg(String name) {
        String n = name.replace('\\', '/');
        String base = n.substring(n.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return (base.endsWith(".jpg") || base.endsWith(".jpeg"))
                && !base.startsWith(".") && !n.startsWith("__MACOSX/") && !n.contains("/__MACOSX/");
    }

    private static final class Folder extends ImageArchive {
        private final Path root;
        private final List<String> names;

        Folder(Path root) {
            this.root = root;
            try (Stream<Path> files = Files.walk(root)) {
                this.names = files.filter(Files::isRegularFile)
                        .map(p -> root.relativize(p).toString())
                        .filter(ImageArchive::isJpeg)
                        .sorted()
                        .toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new InputException(root + ": cannot list the folder: " + e.getMessage(), e);
            }
        }

        @Override
        List<String> names() {
            return names;
        }

        @Override
        InputStream open(String name) throws IOException {
            return Files.newInputStream(root.resolve(name));
        }

        @Override
        String describe(String name) {
            return root.resolve(name).toString();
        }

        @Override
        public void close() {}
    }

    private static final class Zip extends ImageArchive {
        private final Path path;
        private final ZipFile zip;
        private final List<String> names;

        Zip(Path path) {
            this.path = path;
            try {
                this.zip = new ZipFile(path.toFile());
            } catch (IOException e) {
                throw new InputException(path + ": not a folder or a readable zip file (" + e.getMessage() + ")", e);
            }
            this.names = Collections.list(zip.entries()).stream()
                    .filter(e -> !e.isDirectory())
                    .map(ZipEntry::getName)
                    .filter(ImageArchive::isJpeg)
                    .sorted()
                    .toList();
        }

        @Override
        List<String> names() {
            return names;
        }

        @Override
        InputStream open(String name) throws IOException {
            return zip.getInputStream(zip.getEntry(name));
        }

        @Override
        String describe(String name) {
            return path + "!/" + name;
        }

        @Override
        public void close() {
            try {
                zip.close();
            } catch (IOException e) {
                // read-only archive: nothing was written that could be lost
            }
        }
    }
}
