package dk.vejsyn.inference.frame;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.track.Headings;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Geotagged still JPEGs from a folder (with sub-folders) or a zip archive, in capture-time order.
 *
 * <p>On opening, the EXIF metadata of every image is read (metadata only, no pixels) so the
 * images can be sorted by capture time and given headings: where EXIF has no GPSImgDirection,
 * the heading is the bearing between neighbouring images' positions (at least
 * {@link SourceOptions#minHeadingTravelM()} apart, see {@link Headings}). Images without a GPS
 * position are skipped and counted as {@link SkipReason#NO_GPS}. Pixels are decoded one image at
 * a time in {@link #next()}.
 *
 * <p>Stills are usually already spaced by the camera, so distance sampling applies only when
 * {@link SourceOptions#sampleImages()} is set.
 *
 * <p>An image whose metadata or pixels cannot be read is an {@link InputException} naming it:
 * unlike one bad packet in a video, a corrupt file in an upload is worth stopping for.
 */
public final class ImageFolderSource implements FrameSource {

    private record Still(String name, GeoTag tag) {}

    private final Path path;
    private final ImageArchive archive;
    private final List<Still> stills;
    private final DistanceSampler sampler;
    private final int imageCount;
    private final SourceStats stats = new SourceStats();
    private int cursor;

    /**
     * Opens {@code dirOrZip} and reads every image's metadata.
     *
     * @throws InputException if it is neither a folder nor a zip, holds no JPEG, holds no image
     *     with GPS, or an image's metadata cannot be read
     */
    public ImageFolderSource(Path dirOrZip, SourceOptions options) {
        this.path = dirOrZip;
        this.archive = ImageArchive.open(dirOrZip);
        try {
            this.imageCount = archive.names().size();
            if (imageCount == 0) {
                throw new InputException(dirOrZip + ": no JPEG images (.jpg, .jpeg) found");
            }
            List<Still> found = new ArrayList<>();
            for (String name : archive.names()) {
                ExifGeoTags.Reading reading = ExifGeoTags.read(metadata(name));
                if (reading.tag() == null) {
                    stats.countRead();
                    stats.countSkipped(reading.missing());
                } else {
                    found.add(new Still(name, reading.tag()));
                }
            }
            if (found.isEmpty()) {
                throw new InputException(dirOrZip + ": none of the " + imageCount + " images has a usable GPS "
                        + "position and time (" + stats.skipped(SkipReason.NO_GPS) + " without GPS)");
            }
            found.sort(Comparator.comparing((Still s) -> s.tag().time()).thenComparing(Still::name));
            List<GeoTag> tags = found.stream().map(Still::tag).toList();
            tags = Headings.fillSpeed(Headings.fillFromMovement(tags, options.minHeadingTravelM()));
            List<Still> tagged = new ArrayList<>(found.size());
            for (int i = 0; i < found.size(); i++) {
                tagged.add(new Still(found.get(i).name(), tags.get(i)));
            }
            this.stills = List.copyOf(tagged);
            this.sampler = options.sampleImages() ? options.sampler() : null;
        } catch (RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    @Override
    public Optional<GeoFrame> next() {
        while (cursor < stills.size()) {
            int index = cursor++;
            Still still = stills.get(index);
            stats.countRead();
            if (sampler != null) {
                Optional<SkipReason> skip = sampler.decide(still.tag());
                if (skip.isPresent()) {
                    stats.countSkipped(skip.get());
                    continue;
                }
            }
            Mat image = decode(still.name());
            stats.countSampled();
            return Optional.of(new GeoFrame(
                    new Frame(index, archive.describe(still.name()), still.tag().time(), image), still.tag()));
        }
        return Optional.empty();
    }

    private Metadata metadata(String name) {
        try (InputStream in = new BufferedInputStream(archive.open(name))) {
            return ImageMetadataReader.readMetadata(in);
        } catch (ImageProcessingException | IOException | RuntimeException e) {
            throw new InputException(archive.describe(name) + ": not a readable JPEG image (" + e.getMessage() + ")", e);
        }
    }

    private Mat decode(String name) {
        byte[] bytes;
        try (InputStream in = archive.open(name)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new InputException(archive.describe(name) + ": cannot read the image (" + e.getMessage() + ")", e);
        }
        // IMREAD_COLOR also applies the EXIF orientation, so portrait shots arrive upright.
        try (BytePointer data = new BytePointer(bytes);
             Mat encoded = new Mat(1, bytes.length, opencv_core.CV_8UC1, data)) {
            Mat image = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR);
            if (image == null || image.empty()) {
                throw new InputException(archive.describe(name) + ": corrupt image (the JPEG data cannot be decoded)");
            }
            return image;
        }
    }

    @Override
    public OptionalLong expectedFrames() {
        return OptionalLong.of(imageCount);
    }

    @Override
    public SourceStats stats() {
        return stats;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public void close() {
        archive.close();
    }
}
