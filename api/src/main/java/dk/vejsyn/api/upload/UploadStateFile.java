package dk.vejsyn.api.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The small file in which the upload client remembers the session of a drive's files on a server,
 * so that a client killed and started again for the same files resumes that session. Its name is a
 * hash of the server, the drive reference and each file's path, size and modification time.
 */
final class UploadStateFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UploadStateFile() {}

    /** Where the session of these files on this server is remembered (null: nowhere). */
    static Path of(Path stateDir, String server, String driveRef, Map<String, Path> parts, Map<String, Long> sizes) {
        if (stateDir == null) {
            return null;
        }
        StringBuilder key = new StringBuilder(server).append('\n').append(driveRef).append('\n');
        parts.forEach((name, file) -> {
            key.append(name).append('=').append(file.toAbsolutePath().normalize()).append(' ').append(sizes.get(name));
            try {
                key.append(' ').append(Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                // size alone
            }
            key.append('\n');
        });
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return stateDir.resolve(HexFormat.of().formatHex(h, 0, 12) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void save(Path state, String session) {
        if (state == null) {
            return;
        }
        try {
            Files.createDirectories(state.getParent());
            Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.createObjectNode().put("session", session).toString());
            Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload state " + state, e);
        }
    }

    static void delete(Path state) {
        if (state != null) {
            try {
                Files.deleteIfExists(state);
            } catch (IOException e) {
                // harmless: the next run finds the session finished and answers its job
            }
        }
    }

}
