package dk.vejsyn.api;

import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.detect.DetectorFactory;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.Stage;
import dk.vejsyn.inference.timing.StageTimes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Detectors that "see" exactly the bundled drive's ground truth: the pothole boxes the renderer
 * recorded ({@code frames.csv}) for the frame — known by its image's name ({@code drive-0002} in
 * the frame's source, as live frames and zipped images carry it; {@code images.csv}), else by its
 * capture time (video frames).
 * Plumbing tests (uploads, live ingest) use them so that what they check — frames become
 * observations and findings, once — does not depend on how well the shipped model happens to do;
 * the model's accuracy is the subject of {@code SampleDriveAccuracyTest} and the evaluation tests.
 * A frame with no matching capture time gets no detections.
 */
public final class SampleDriveDetectors implements DetectorFactory {
    private static final Path DRIVE = Path.of(System.getProperty("vejsyn.repo.root", ".."))
            .resolve("sample-images/odense-drive");
    private static final Pattern IMAGE_NAME = Pattern.compile("(drive-\\d{4})(\\.jpg)?$");

    /** Frames are 100 ms apart: a capture time within 40 ms is that frame's (video time stamps round). */
    private static final long TOLERANCE_MS = 40;

    private final TreeMap<Instant, List<PixelBox>> boxes;
    /** Image name (without .jpg) → its capture time in the drive. */
    private final Map<String, Instant> images;
    /** Frames given to the detectors, and those that had ground truth. */
    public final AtomicInteger frames = new AtomicInteger();
    public final AtomicInteger framesWithDamage = new AtomicInteger();

    public SampleDriveDetectors() {
        this.boxes = read(DRIVE.resolve("frames.csv"));
        this.images = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(DRIVE.resolve("images.csv"));
            List<String> header = List.of(lines.get(0).split(","));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                images.put(f[header.indexOf("file")].replace(".jpg", ""), Instant.parse(f[header.indexOf("captured_at")]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pothole boxes per capture time; a frame may show several potholes (one row each). */
    static TreeMap<Instant, List<PixelBox>> read(Path csv) {
        TreeMap<Instant, List<PixelBox>> byTime = new TreeMap<>();
        try {
            List<String> lines = Files.readAllLines(csv);
            List<String> header = List.of(lines.get(0).split(","));
            int time = header.indexOf("captured_at");
            int id = header.indexOf("pothole_id");
            int x1 = header.indexOf("x1");
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                List<PixelBox> list = byTime.computeIfAbsent(Instant.parse(f[time]), t -> new ArrayList<>());
                if (!f[id].isEmpty() && !f[x1].isEmpty()) {
                    list.add(new PixelBox(Double.parseDouble(f[x1]), Double.parseDouble(f[x1 + 1]),
                            Double.parseDouble(f[x1 + 2]), Double.parseDouble(f[x1 + 3])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (byTime.values().stream().allMatch(List::isEmpty)) {
            throw new IllegalStateException(csv + " has no ground-truth boxes");
        }
        return byTime;
    }

    private List<PixelBox> truthAt(Instant t) {
        Map.Entry<Instant, List<PixelBox>> best = null;
        for (Map.Entry<Instant, List<PixelBox>> e : new Map.Entry[] {boxes.floorEntry(t), boxes.ceilingEntry(t)}) {
            if (e != null && Math.abs(Duration.between(e.getKey(), t).toMillis()) <= TOLERANCE_MS
                    && (best == null || Math.abs(Duration.between(e.getKey(), t).toMillis())
                            < Math.abs(Duration.between(best.getKey(), t).toMillis()))) {
                best = e;
            }
        }
        return best == null ? List.of() : best.getValue();
    }

    @Override
    public Detector newDetector(StageTimes times) {
        return new Detector() {
            @Override
            public List<Detection> detect(Frame frame) {
                long t0 = System.nanoTime();
                frames.incrementAndGet();
                Matcher name = IMAGE_NAME.matcher(frame.source());
                Instant t = name.find() && images.containsKey(name.group(1)) ? images.get(name.group(1)) : frame.capturedAt();
                List<PixelBox> truth = t == null ? List.of() : truthAt(t);
                List<Detection> found = new ArrayList<>();
                for (PixelBox b : truth) {
                    found.add(new Detection(b, DamageType.POTHOLE, 0.9f));
                }
                if (!found.isEmpty()) {
                    framesWithDamage.incrementAndGet();
                }
                times.add(Stage.INFERENCE, System.nanoTime() - t0);
                return found;
            }

            @Override
            public void close() {}
        };
    }

    /** Import into a Spring test to replace the service's model. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        @Primary
        SampleDriveDetectors sampleDriveDetectors() {
            return new SampleDriveDetectors();
        }
    }
}
