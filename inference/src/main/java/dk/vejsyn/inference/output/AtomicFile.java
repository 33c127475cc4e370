package dk.vejsyn.inference.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written under a temporary name beside its target and moved into place only when
 * complete, so a failed run never leaves a half-written output (and never clobbers an old one).
 */
final class AtomicFile {
    private final Path target;
    private final Path temp;

    AtomicFile(Path target) {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        try {
            Files.createDirectories(dir);
            this.temp = Files.createTempFile(dir, "." + this.target.getFileName(), ".part");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    Path temp() {
        return temp;
    }

    void commit() {
        try {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    void discard() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort: a stray .part file is harmless and named after its target
        }
    }
}
