package dk.vejsyn.inference.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.GpsDirectory;
import io.jenetics.jpx.GPX;
import io.jenetics.jpx.WayPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short drive rendered twice: every output is readable by ordinary tools and identical. */
class DriveOutputsTest {
    private static final Instant START = Instant.parse("2026-10-14T09:30:00Z");

    @TempDir
    static Path tmp;

    static Path first;
    static Path second;
    static RouteSpec spec;

    @BeforeAll
    static void renderTwice() {
        spec = RouteSpec.straight("tiny", new RouteSpec.Waypoint(55.3733, 10.4118),
                new RouteSpec.Waypoint(55.36935, 10.4133), 36, 5, 2, START);
        first = tmp.resolve("a");
        second = tmp.resolve("b");
        new DriveRenderer(spec, 9, 10, 2).render(first);
        new DriveRenderer(spec, 9, 10, 2).render(second);
    }

    @Test
    void sameSeedGivesByteIdenticalFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(first)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).extracting(p -> first.relativize(p).toString())
                .contains("drive.mp4", "drive.gpx", "drive-exact.gpx", "ground-truth.geojson", "frames.csv",
                        "images.csv", "camera.json", "images/drive-0001.jpg");
        for (Path f : files) {
            assertThat(Files.readAllBytes(second.resolve(first.relativize(f))))
                    .as(first.relativize(f).toString()).isEqualTo(Files.readAllBytes(f));
        }
    }

    @Test
    void videoIsH264WithCreationTimeAndAllFrames() throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(first.resolve("drive.mp4").toFile())) {
            g.start();
            assertThat(g.getImageWidth()).isEqualTo(1280);
            assertThat(g.getImageHeight()).isEqualTo(720);
            assertThat(g.getVideoCodecName()).isIn("h264", "mpeg4");
            assertThat(Instant.parse(g.getMetadata("creation_time"))).isEqualTo(START);
            int n = 0;
            while (g.grabImage() != null) {
                n++;
            }
            assertThat(n).isEqualTo(50);
            g.stop();
        }
    }

    @Test
    void gpxTracksAreOneHertzAndNoiseIsMetreScale() throws IOException {
        List<WayPoint> exact = GPX.read(first.resolve("drive-exact.gpx")).tracks().findFirst().orElseThrow()
                .segments().findFirst().orElseThrow().getPoints();
        List<WayPoint> noisy = GPX.read(first.resolve("drive.gpx")).tracks().findFirst().orElseThrow()
                .segments().findFirst().orElseThrow().getPoints();
        assertThat(exact).hasSize(6);
        assertThat(noisy).hasSize(6);
        for (int i = 0; i < exact.size(); i++) {
            assertThat(exact.get(i).getTime().orElseThrow()).isEqualTo(START.plusSeconds(i));
            double err = dk.vejsyn.inference.geo.Georeferencer.distanceM(exact.get(i).getLatitude().doubleValue(),
                    exact.get(i).getLongitude().doubleValue(), noisy.get(i).getLatitude().doubleValue(),
                    noisy.get(i).getLongitude().doubleValue());
            assertThat(err).isLessThan(10);
        }
    }

    @Test
    void jpegsCarryExifGpsAndDirection() throws Exception {
        List<String> rows = Files.readAllLines(first.resolve("images.csv"));
        String[] c = rows.get(1).split(",");
        Metadata md = ImageMetadataReader.readMetadata(first.resolve("images").resolve(c[0]).toFile());
        GpsDirectory gps = md.getFirstDirectoryOfType(GpsDirectory.class);
        assertThat(gps).isNotNull();
        assertThat(gps.getGeoLocation().getLatitude()).isCloseTo(Double.parseDouble(c[7]), within(1e-6));
        assertThat(gps.getGeoLocation().getLongitude()).isCloseTo(Double.parseDouble(c[8]), within(1e-6));
        assertThat(gps.getRational(GpsDirectory.TAG_IMG_DIRECTION).doubleValue())
                .isCloseTo(Double.parseDouble(c[6]), within(0.01));
        assertThat(gps.getGpsDate().toInstant()).isEqualTo(Instant.parse(c[3]));
        assertThat(rows).hasSizeGreaterThan(10); // 50 m at one image per 4 m
    }

    @Test
    void groundTruthListsPotholesAndDistractors() {
        GroundTruth gt = GroundTruth.read(first.resolve("ground-truth.geojson"));
        assertThat(gt.potholes()).hasSize(2);
        assertThat(gt.potholes()).allSatisfy(p -> {
            assertThat(p.widthM()).isBetween(0.1, 1.5);
            assertThat(p.lengthM()).isBetween(0.1, 1.5);
            assertThat(p.areaM2()).isLessThan(p.widthM() * p.lengthM());
        });
        assertThat(gt.items()).anySatisfy(i -> assertThat(i.isPothole()).isFalse());
    }
}
