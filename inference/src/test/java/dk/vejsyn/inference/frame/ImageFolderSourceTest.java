package dk.vejsyn.inference.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.geo.Georeferencer;
import dk.vejsyn.inference.geo.LatLon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceTest {
    @TempDir
    Path dir;

    /** Three images 10 m apart driving east, named against time order, plus one without GPS. */
    Path folderOfStills() {
        Path folder = dir.resolve("stills");
        try {
            Files.createDirectories(folder.resolve("sub"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < 3; i++) {
            LatLon p = Georeferencer.destination(Fixtures.LAT, Fixtures.LON, 90, 10 * i);
            String name = (i == 1 ? "sub/" : "") + "img-" + (3 - i) + ".jpg"; // names run backwards
            Fixtures.write(folder.resolve(name), Fixtures.geotaggedJpeg(p.lat(), p.lon(), Fixtures.T0.plusSeconds(i), Double.NaN));
        }
        Fixtures.write(folder.resolve("img-0-nogps.JPG"), Fixtures.jpegWithoutGps(Fixtures.T0));
        Fixtures.write(folder.resolve("notes.txt"), "ignored".getBytes());
        return folder;
    }

    static List<GeoFrame> drain(FrameSource source) {
        List<GeoFrame> frames = new ArrayList<>();
        for (Optional<GeoFrame> f = source.next(); f.isPresent(); f = source.next()) {
            frames.add(f.get());
        }
        return frames;
    }

    @Test
    void readsStillsInCaptureOrderWithHeadingFromMovementAndCountsImagesWithoutGps() {
        try (FrameSource source = FrameSources.images(folderOfStills(), SourceOptions.defaults())) {
            assertThat(source.expectedFrames()).hasValue(4);
            List<GeoFrame> frames = drain(source);
            assertThat(frames).extracting(f -> Path.of(f.frame().source()).getFileName().toString())
                    .containsExactly("img-3.jpg", "img-2.jpg", "img-1.jpg");
            assertThat(frames).extracting(f -> f.frame().capturedAt())
                    .containsExactly(Fixtures.T0, Fixtures.T0.plusSeconds(1), Fixtures.T0.plusSeconds(2));
            assertThat(frames).allSatisfy(f -> {
                assertThat(f.tag().headingDeg()).isCloseTo(90, offset(0.05));
                assertThat(f.tag().speedMps()).isCloseTo(10, offset(0.05));
                assertThat(f.frame().width()).isEqualTo(64);
            });
            assertThat(frames.get(2).tag().lon()).isGreaterThan(frames.get(0).tag().lon());
            SourceStats stats = source.stats();
            assertThat(stats.skipped(SkipReason.NO_GPS)).isEqualTo(1);
            assertThat(stats.sampled()).isEqualTo(3);
            assertThat(stats.framesRead()).isEqualTo(4);
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void exifDirectionIsTheHeadingWhenPresent() {
        Path folder = dir.resolve("dir");
        Fixtures.write(mkdir(folder).resolve("a.jpg"),
                Fixtures.geotaggedJpeg(Fixtures.LAT, Fixtures.LON, Fixtures.T0, 271.5));
        try (FrameSource source = FrameSources.images(folder, SourceOptions.defaults())) {
            GeoFrame f = source.next().orElseThrow();
            assertThat(f.tag().headingDeg()).isCloseTo(271.5, offset(1e-9));
            assertThat(f.tag().lat()).isCloseTo(Fixtures.LAT, offset(1e-6));
            assertThat(f.tag().lon()).isCloseTo(Fixtures.LON, offset(1e-6));
            f.close();
        }
    }

    @Test
    void readsAZipWithoutExtractingIt() throws IOException {
        Path folder = folderOfStills();
        Path zip = dir.resolve("stills.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             var files = Files.walk(folder)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(folder.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("__MACOSX/._img-1.jpg"));
            out.write(new byte[] {0, 5, 22, 7});
            out.closeEntry();
        }
        try (FrameSource source = FrameSources.images(zip, SourceOptions.defaults())) {
            List<GeoFrame> frames = drain(source);
            assertThat(frames).extracting(f -> f.frame().source())
                    .containsExactly(zip + "!/img-3.jpg", zip + "!/sub/img-2.jpg", zip + "!/img-1.jpg");
            assertThat(source.stats().skipped(SkipReason.NO_GPS)).isEqualTo(1);
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void aCorruptJpegIsNamed() {
        Path folder = folderOfStills();
        Fixtures.write(folder.resolve("img-9.jpg"), "not a jpeg at all".getBytes());
        assertThatThrownBy(() -> FrameSources.images(folder, SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("img-9.jpg");
    }

    @Test
    void aJpegWithGoodMetadataButBrokenPixelsIsNamed() {
        Path folder = folderOfStills();
        byte[] good = Fixtures.geotaggedJpeg(Fixtures.LAT, Fixtures.LON, Fixtures.T0.plusSeconds(10), Double.NaN);
        // Metadata intact, but the frame header claims 3-bit samples, which no JPEG decoder
        // accepts: the file passes the metadata scan and fails only when its pixels are decoded.
        byte[] broken = good.clone();
        int sof = indexOf(broken, new byte[] {(byte) 0xFF, (byte) 0xC0});
        broken[sof + 4] = 3;
        Fixtures.write(folder.resolve("img-broken.jpg"), broken);
        try (FrameSource source = FrameSources.images(folder, SourceOptions.defaults())) {
            assertThatThrownBy(() -> drain(source).forEach(GeoFrame::close))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("img-broken.jpg")
                    .hasMessageContaining("corrupt image");
        }
    }

    @Test
    void aFolderWithoutUsableImagesIsRefused() {
        Path empty = mkdir(dir.resolve("empty"));
        assertThatThrownBy(() -> FrameSources.images(empty, SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("empty")
                .hasMessageContaining("no JPEG");
        Path noGps = mkdir(dir.resolve("nogps"));
        Fixtures.write(noGps.resolve("a.jpg"), Fixtures.jpegWithoutGps(Fixtures.T0));
        assertThatThrownBy(() -> FrameSources.images(noGps, SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("nogps")
                .hasMessageContaining("1 without GPS");
        Path notZip = Fixtures.write(dir.resolve("photos.zip"), "plain text".getBytes());
        assertThatThrownBy(() -> FrameSources.images(notZip, SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("photos.zip");
    }

    @Test
    void stillsAreDistanceSampledOnlyWhenAskedTo() {
        Path folder = folderOfStills(); // 10 m apart
        try (FrameSource source = FrameSources.images(folder,
                SourceOptions.defaults().withSampleImages(true).withSampleDistanceM(15))) {
            List<GeoFrame> frames = drain(source);
            assertThat(frames).hasSize(2); // 0 m and 20 m
            assertThat(source.stats().skipped(SkipReason.BELOW_SAMPLING_DISTANCE)).isEqualTo(1);
            frames.forEach(GeoFrame::close);
        }
    }

    static Path mkdir(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("marker not found");
    }
}
