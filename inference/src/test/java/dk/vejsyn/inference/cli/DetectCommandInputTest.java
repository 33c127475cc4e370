package dk.vejsyn.inference.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.frame.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code vejsyn detect} does with bad input: one line naming the file (and line or frame),
 * exit code 2, and no output file — not even a partial one. None of these cases needs the model.
 */
class DetectCommandInputTest {
    @TempDir
    Path dir;

    private record Result(int exit, String err) {}

    private Result run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = VejsynCli.newCommandLine();
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setOut(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int exit = cl.execute(args);
        return new Result(exit, err.toString(StandardCharsets.UTF_8));
    }

    private long filesIn(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().contains("out")).count();
        }
    }

    private Path goodVideo() {
        return Fixtures.writeVideo(dir.resolve("drive.mp4"), 20, 10, Fixtures.T0, true);
    }

    private Path goodTrack() {
        return Fixtures.write(dir.resolve("drive.gpx"), Fixtures.gpx(Fixtures.straightDrive(0, 10, 10, 1)));
    }

    @Test
    void missingVideoFileIsNamed() throws Exception {
        Result r = run("detect", "--video", dir.resolve("nope.mp4").toString(), "--track", goodTrack().toString(),
                "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("nope.mp4");
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void textFileNamedMp4IsRefused() throws Exception {
        Path fake = Fixtures.write(dir.resolve("fake.mp4"), "this is not a video\n");
        Result r = run("detect", "--video", fake.toString(), "--track", goodTrack().toString(),
                "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("fake.mp4");
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void malformedNmeaTrackNamesTheLine() throws Exception {
        String good = Fixtures.nmea("GPRMC,080000.00,A,5609.432,N,01012.642,E,10.0,0.0,040526,,,A");
        Path track = Fixtures.write(dir.resolve("drive.nmea"), good + "\n" + good.replace("*", "X*") + "\n");
        Result r = run("detect", "--video", goodVideo().toString(), "--track", track.toString(),
                "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("drive.nmea").contains("line 2");
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void emptyTrackIsRefused() throws Exception {
        Path track = Fixtures.write(dir.resolve("empty.csv"), "");
        Result r = run("detect", "--video", goodVideo().toString(), "--track", track.toString(),
                "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("empty.csv");
    }

    @Test
    void coordinatesOutOfRangeNameTheLine() throws Exception {
        Path track = Fixtures.write(dir.resolve("bad.csv"),
                "time,lat,lon\n2026-05-04T08:00:00Z,56.1,10.2\n2026-05-04T08:00:01Z,91.0,10.2\n");
        Result r = run("detect", "--video", goodVideo().toString(), "--track", track.toString(),
                "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("bad.csv").contains("line 3");
    }

    @Test
    void trackThatDoesNotOverlapTheVideoSaysBothSpans() throws Exception {
        Path video = goodVideo();
        Path track = goodTrack();
        Result r = run("detect", "--video", video.toString(), "--track", track.toString(),
                "--time-offset", "PT5H", "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("overlap");
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void badTimeOffsetIsAUsageError() {
        Result r = run("detect", "--video", "a.mp4", "--track", "a.gpx", "--time-offset", "soon", "--out", "x.geojson");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--time-offset");
    }

    @Test
    void videoAndImagesTogetherIsAUsageError() {
        Result r = run("detect", "--video", "a.mp4", "--track", "a.gpx", "--images", "dir", "--out", "x.geojson");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--images").contains("--video").contains("only one");
    }

    @Test
    void withoutAnOutputNothingRuns() {
        Result r = run("detect", "--images", dir.toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--out");
    }

    @Test
    void corruptJpegInAFolderIsNamed() throws Exception {
        Path images = Files.createDirectories(dir.resolve("photos"));
        Fixtures.write(images.resolve("a.jpg"), Fixtures.geotaggedJpeg(Fixtures.LAT, Fixtures.LON, Fixtures.T0, 0));
        Fixtures.write(images.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        Result r = run("detect", "--images", images.toString(), "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("broken.jpg");
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void invalidCameraProfileIsNamed() throws Exception {
        Path cam = Fixtures.write(dir.resolve("cam.json"), "{\"height_m\": 2}");
        Result r = run("detect", "--images", dir.toString(), "--camera", cam.toString(),
                "--out", dir.resolve("out.geojson").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("cam.json");
    }
}
