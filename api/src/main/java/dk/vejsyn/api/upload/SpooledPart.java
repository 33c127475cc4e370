package dk.vejsyn.api.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.springframework.web.multipart.MultipartFile;

/**
 * A part of a finished resumable upload, handed to {@link DriveUploads} as if it had come in one
 * multipart request. Moving it into the job's spool folder makes a hard link (same file system,
 * no copy of 4 GB), so the session keeps its bytes until the job is safely queued: a refused
 * finish (unusable footage) loses nothing already received.
 */
final class SpooledPart implements MultipartFile {
    private final String name;
    private final String fileName;
    private final Path file;

    SpooledPart(String name, String fileName, Path file) {
        this.name = name;
        this.fileName = fileName;
        this.file = file;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getOriginalFilename() {
        return fileName;
    }

    @Override
    public String getContentType() {
        return null;
    }

    @Override
    public boolean isEmpty() {
        return getSize() == 0;
    }

    @Override
    public long getSize() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public byte[] getBytes() throws IOException {
        return Files.readAllBytes(file);
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public void transferTo(java.io.File dest) throws IOException {
        transferTo(dest.toPath());
    }

    @Override
    public void transferTo(Path dest) throws IOException {
        try {
            Files.createLink(dest, file);
        } catch (UnsupportedOperationException | IOException e) {
            // Another file system (or none with links): a copy.
            Files.copy(file, dest, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
