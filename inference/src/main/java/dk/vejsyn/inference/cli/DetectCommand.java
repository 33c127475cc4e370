package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.frame.FrameSource;
import dk.vejsyn.inference.frame.FrameSources;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.output.ObservationFiles;
import dk.vejsyn.inference.pipeline.BatchPipeline;
import dk.vejsyn.inference.pipeline.DetectionSettings;
import dk.vejsyn.inference.pipeline.ObservationSink;
import dk.vejsyn.inference.pipeline.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vejsyn detect}: footage in, located detections out (GeoJSON, optionally CSV). The
 * service module extends this command to write into the findings store as well.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Finds road damage in drive footage and writes located detections.",
            "Input: a video with its GPS track, or a folder/zip of geotagged JPEGs."})
public class DetectCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static class Input {
        @ArgGroup(exclusive = false)
        VideoInput video;

        @Option(names = "--images", paramLabel = "DIR|ZIP", required = true,
                description = "Folder or zip of JPEGs with EXIF GPS.")
        Path images;
    }

    static class VideoInput {
        @Option(names = "--video", required = true, paramLabel = "FILE", description = "MP4/MOV/MKV video.")
        Path video;

        @Option(names = "--track", required = true, paramLabel = "FILE",
                description = "GPS track: GPX 1.1, NMEA 0183 (RMC/GGA) or CSV time,lat,lon[,heading,speed].")
        Path track;

        @Option(names = "--time-offset", paramLabel = "DURATION", defaultValue = "PT0S",
                description = "Added to the video's creation time to match GPS time, ISO-8601 (e.g. PT-2.5S) or seconds.")
        String timeOffset;

        @Option(names = "--video-start", paramLabel = "INSTANT",
                description = "Time of the first frame (ISO-8601, e.g. 2026-05-04T08:00:00Z) when the video has no creation time.")
        String videoStart;
    }

    @Option(names = "--out", paramLabel = "FILE", description = "GeoJSON output (RFC 7946 FeatureCollection).")
    Path out;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write a CSV with the same columns.")
    Path csv;

    @Option(names = "--camera", paramLabel = "JSON", description = "Camera profile (default: refuse-truck dashcam).")
    Path camera;

    @Mixin
    DetectionOptions detection = new DetectionOptions();

    /** Where else the run writes (the service module's findings store), or {@link DetectOutput#NONE}. */
    private final DetectOutput output;

    public DetectCommand() {
        this(DetectOutput.NONE);
    }

    /** A {@code detect} that also writes to {@code output}; add {@code output} to its command line as a mixin. */
    public DetectCommand(DetectOutput output) {
        this.output = output;
    }

    @Option(names = "--quiet", description = "No progress bar or summary.")
    boolean quiet;

    @Override
    public Integer call() {
        if (out == null && csv == null && !output.requested()) {
            throw new InputException("nothing to write: give --out FILE.geojson and/or --csv FILE");
        }
        DetectionSettings settings = detection.settings();
        CameraModel cam = cameraModel();

        // Open (and so validate) the input before anything heavy starts (the model, a subclass's
        // database connection): bad input fails in milliseconds.
        try (DetectOutput closing = output; FrameSource source = openSource(settings.sourceOptions())) {
            List<ObservationSink> sinks = new ArrayList<>();
            if (out != null || csv != null) {
                sinks.add(new ObservationFiles(out != null ? out : siblingGeoJson(csv), csv));
            }
            if (output.requested()) {
                sinks.add(output.open(inputPath(), cam));
            }
            try (ObservationSink sink = Sinks.all(sinks);
                    DjlDetector.DetectorModel detector = DjlDetector.DetectorModel.load(settings.modelSpec())) {
                RunReport report = run(new BatchPipeline(detector, settings.locator(cam), settings.pipeline()),
                        source, sink);
                if (!quiet) {
                    System.err.print(report.summary());
                    if (out != null) {
                        System.err.println("wrote " + report.observations() + " observations to " + out);
                    }
                }
                output.finished(report);
            }
        }
        return 0;
    }

    /** Runs the pipeline, with a progress bar (frames, frames/s, ETA) when on a terminal. */
    private RunReport run(BatchPipeline pipeline, FrameSource source, ObservationSink sink) {
        if (quiet || System.console() == null) {
            return pipeline.run(source, sink, n -> { });
        }
        try (ProgressBar pb = new ProgressBarBuilder().setTaskName("detect")
                .setInitialMax(source.expectedFrames().orElse(-1))
                .setStyle(ProgressBarStyle.ASCII).setUnit(" frames", 1).showSpeed()
                .continuousUpdate().build()) {
            return pipeline.run(source, sink, pb::stepTo);
        }
    }

    private FrameSource openSource(SourceOptions options) {
        if (input.images != null) {
            requireFile(input.images, true);
            return FrameSources.images(input.images, options);
        }
        SourceOptions o = options.withTimeOffset(parseOffset(input.video.timeOffset));
        if (input.video.videoStart != null) {
            try {
                o = o.withVideoStart(java.time.Instant.parse(input.video.videoStart));
            } catch (DateTimeParseException e) {
                throw new InputException("--video-start: not an ISO-8601 instant: " + input.video.videoStart);
            }
        }
        requireFile(input.video.video, false);
        requireFile(input.video.track, false);
        return FrameSources.video(input.video.video, input.video.track, o);
    }

    static Duration parseOffset(String s) {
        try {
            if (s.matches("[-+]?\\d+(\\.\\d+)?")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(s) * 1e9));
            }
            return Duration.parse(s);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InputException("--time-offset: not a duration (ISO-8601 like PT-2.5S, or seconds): " + s);
        }
    }

    private static void requireFile(Path p, boolean dirAllowed) {
        if (!Files.exists(p)) {
            throw new InputException("no such file: " + p);
        }
        if (!dirAllowed && Files.isDirectory(p)) {
            throw new InputException("expected a file, got a folder: " + p);
        }
    }

    private static Path siblingGeoJson(Path csvFile) {
        return csvFile.resolveSibling(csvFile.getFileName().toString().replaceFirst("\\.csv$", "") + ".geojson");
    }

    /** The footage this run reads: the video, or the image folder or zip. */
    private Path inputPath() {
        return input.images != null ? input.images : input.video.video;
    }

    /** The camera profile given with --camera, or the default dashcam. */
    private CameraModel cameraModel() {
        return camera != null ? CameraModel.fromJson(camera) : CameraModel.refuseTruckDashcam();
    }
}
