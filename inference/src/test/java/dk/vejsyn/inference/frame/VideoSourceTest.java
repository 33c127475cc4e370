package dk.vejsyn.inference.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.track.Track;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoSourceTest {
    @TempDir
    static Path dir;
    /** 50 frames at 25 fps = 2 s, starting at T0. */
    static Path video;

    @BeforeAll
    static void writeVideo() {
        video = Fixtures.writeVideo(dir.resolve("drive.mp4"), 50, 25, Fixtures.T0, false);
    }

    /** 10 m/s north for 10 s, one fix per second. */
    static Track drivingNorth() {
        return new Track("north.gpx", Fixtures.straightDrive(0, 10, 11, 1));
    }

    static List<GeoFrame> drain(FrameSource source) {
        List<GeoFrame> frames = new ArrayList<>();
        for (Optional<GeoFrame> f = source.next(); f.isPresent(); f = source.next()) {
            frames.add(f.get());
        }
        return frames;
    }

    @Test
    void samplesEveryFourMetresAtTenMetresPerSecond() {
        try (FrameSource source = FrameSources.video(video, drivingNorth(), SourceOptions.defaults())) {
            assertThat(source.expectedFrames()).hasValue(50);
            List<GeoFrame> frames = drain(source);
            // 0.4 m per frame: every 10th frame is 4 m on: frames 0, 10, 20, 30, 40.
            assertThat(frames).extracting(f -> f.frame().index()).containsExactly(0L, 10L, 20L, 30L, 40L);
            assertThat(frames).allSatisfy(f -> {
                assertThat(f.tag().headingDeg()).isCloseTo(0, org.assertj.core.data.Offset.offset(0.01));
                assertThat(f.frame().width()).isEqualTo(160);
                assertThat(f.frame().capturedAt()).isEqualTo(f.tag().time());
            });
            assertThat(frames.get(1).frame().capturedAt()).isEqualTo(Fixtures.T0.plusMillis(400));
            SourceStats stats = source.stats();
            assertThat(stats.framesRead()).isEqualTo(50);
            assertThat(stats.sampled()).isEqualTo(5);
            assertThat(stats.skipped(SkipReason.BELOW_SAMPLING_DISTANCE)).isEqualTo(45);
            assertThat(stats.skipped(SkipReason.DAMAGED)).isZero();
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void onlyKeptFramesAreConvertedToMats() {
        try (VideoSource source = new VideoSource(video, drivingNorth(), SourceOptions.defaults())) {
            List<GeoFrame> frames = drain(source);
            assertThat(source.framesConverted()).isEqualTo(frames.size()).isEqualTo(5);
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void keptFramesCarryTheRecordedPictureInBgr() {
        // Frame i was recorded as one flat BGR colour (i*5, 128, 255-i*5): the kept frames'
        // pixels must come back in that order, whole (every row, not only the first plane's).
        try (VideoSource source = new VideoSource(video, drivingNorth(), SourceOptions.defaults())) {
            for (GeoFrame f : drain(source)) {
                try (f) {
                    org.bytedeco.opencv.opencv_core.Mat m = f.frame().image();
                    assertThat(m.cols()).isEqualTo(160);
                    assertThat(m.rows()).isEqualTo(120);
                    assertThat(m.channels()).isEqualTo(3);
                    int i = (int) f.frame().index();
                    int[] expected = {i * 5 % 255, 128, 255 - i * 5 % 255};
                    try (org.bytedeco.javacpp.indexer.UByteIndexer px = m.createIndexer()) {
                        for (int[] at : new int[][] {{5, 5}, {60, 80}, {114, 154}}) {
                            for (int c = 0; c < 3; c++) {
                                assertThat(px.get(at[0], at[1], c)).as("frame %d pixel %s channel %d", i,
                                        Arrays.toString(at), c).isCloseTo(expected[c],
                                        org.assertj.core.data.Offset.offset(12));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void skipsEverythingWhileStandingStill() {
        Track parked = new Track("parked.csv", Fixtures.straightDrive(0, 0.05, 11, 1));
        try (VideoSource source = new VideoSource(video, parked, SourceOptions.defaults())) {
            assertThat(drain(source)).isEmpty();
            assertThat(source.stats().skipped(SkipReason.STANDSTILL)).isEqualTo(50);
            assertThat(source.framesConverted()).isZero();
        }
    }

    @Test
    void framesBeyondTheTrackAreSkippedWithTheirOwnReason() {
        // Track covers only the first second of the two-second video.
        Track shortTrack = new Track("short.gpx", Fixtures.straightDrive(90, 10, 2, 1));
        try (FrameSource source = FrameSources.video(video, shortTrack, SourceOptions.defaults())) {
            List<GeoFrame> frames = drain(source);
            assertThat(frames).extracting(f -> f.frame().index()).containsExactly(0L, 10L, 20L);
            assertThat(frames.get(0).tag().headingDeg()).isCloseTo(90, org.assertj.core.data.Offset.offset(0.01));
            assertThat(source.stats().skipped(SkipReason.OUTSIDE_TRACK)).isEqualTo(24); // frames 26..49
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void timeOffsetShiftsTheVideoOntoTheTrack() {
        // Camera clock 1 h behind GPS: without the offset the video misses the track.
        Path late = Fixtures.writeVideo(dir.resolve("clock.mp4"), 10, 25, Fixtures.T0.minus(Duration.ofHours(1)), false);
        assertThatThrownBy(() -> FrameSources.video(late, drivingNorth(), SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("clock.mp4")
                .hasMessageContaining("does not overlap")
                .hasMessageContaining("2026-05-04T07:00:00Z")   // the video's span
                .hasMessageContaining("2026-05-04T08:00:10Z");  // the track's end
        try (FrameSource source = FrameSources.video(late, drivingNorth(),
                SourceOptions.defaults().withTimeOffset(Duration.ofHours(1)))) {
            assertThat(drain(source)).hasSize(1).allSatisfy(GeoFrame::close);
        }
    }

    @Test
    void explicitStartOverridesCreationTime() {
        try (VideoSource source = new VideoSource(video, drivingNorth(),
                SourceOptions.defaults().withVideoStart(Fixtures.T0.plusSeconds(5)))) {
            assertThat(source.videoStart()).isEqualTo(Fixtures.T0.plusSeconds(5));
            List<GeoFrame> frames = drain(source);
            assertThat(frames.get(0).tag().lat()).isGreaterThan(Fixtures.LAT + 0.0004); // ~50 m north
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void aTextFileNamedMp4IsNotAVideo() throws IOException {
        Path fake = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n");
        assertThatThrownBy(() -> FrameSources.video(fake, drivingNorth(), SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("notes.mp4")
                .hasMessageContaining("not a readable video");
    }

    @Test
    void aTruncatedMp4WithTheIndexAtTheEndCannotBeRead() throws IOException {
        Path cut = halve(video, dir.resolve("cut.mp4"));
        assertThatThrownBy(() -> FrameSources.video(cut, drivingNorth(), SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("cut.mp4");
    }

    @Test
    void aTruncatedFaststartMp4DeliversWhatItCanAndCountsTheRestAsDamaged() throws IOException {
        Path whole = Fixtures.writeVideo(dir.resolve("fast.mp4"), 50, 25, Fixtures.T0, true);
        Path cut = halve(whole, dir.resolve("fast-cut.mp4"));
        try (FrameSource source = FrameSources.video(cut, drivingNorth(), SourceOptions.defaults())) {
            List<GeoFrame> frames = drain(source);
            assertThat(frames).isNotEmpty();
            SourceStats stats = source.stats();
            assertThat(stats.skipped(SkipReason.DAMAGED)).isPositive();
            assertThat(stats.framesRead()).isEqualTo(50);
            assertThat(stats.sampled() + stats.skippedTotal()).isEqualTo(stats.framesRead());
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void theFixtureIsH264() throws Exception {
        try (var grabber = new org.bytedeco.javacv.FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            assertThat(grabber.getVideoCodecName()).contains("h264");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"drive.mov", "drive.mkv"})
    void readsMovAndMkvToo(String name) {
        Path other = Fixtures.writeVideo(dir.resolve(name), 50, 25, Fixtures.T0, false);
        try (FrameSource source = FrameSources.video(other, drivingNorth(), SourceOptions.defaults())) {
            List<GeoFrame> frames = drain(source);
            assertThat(frames).extracting(f -> f.frame().index()).containsExactly(0L, 10L, 20L, 30L, 40L);
            assertThat(frames.get(0).frame().capturedAt()).isEqualTo(Fixtures.T0);
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void damagedDataInsideTheVideoIsSkippedNotFatal() throws IOException {
        Path whole = Fixtures.writeVideo(dir.resolve("scratched-src.mp4"), 50, 25, Fixtures.T0, true);
        byte[] bytes = Files.readAllBytes(whole);
        Arrays.fill(bytes, (int) (bytes.length * 0.6), (int) (bytes.length * 0.6) + 300, (byte) 0x3C);
        Path scratched = Files.write(dir.resolve("scratched.mp4"), bytes);
        try (FrameSource source = FrameSources.video(scratched, drivingNorth(), SourceOptions.defaults())) {
            List<GeoFrame> frames = drain(source);
            assertThat(frames).hasSizeGreaterThanOrEqualTo(4);
            SourceStats stats = source.stats();
            assertThat(stats.sampled() + stats.skippedTotal()).isEqualTo(stats.framesRead());
            frames.forEach(GeoFrame::close);
        }
    }

    @Test
    void aMissingVideoIsNamed() {
        assertThatThrownBy(() -> FrameSources.video(dir.resolve("nope.mp4"), drivingNorth(), SourceOptions.defaults()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("nope.mp4");
    }

    static Path halve(Path from, Path to) throws IOException {
        byte[] bytes = Files.readAllBytes(from);
        return Files.write(to, Arrays.copyOf(bytes, bytes.length / 2));
    }
}
