package dk.vejsyn.inference.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dk.vejsyn.inference.frame.FrameSources;
import dk.vejsyn.inference.frame.SourceOptions;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.geo.ObservationLocator;
import dk.vejsyn.inference.pipeline.BatchPipeline;
import dk.vejsyn.inference.pipeline.LoopingSource;
import dk.vejsyn.inference.pipeline.ObservationSink;
import dk.vejsyn.inference.pipeline.PipelineSettings;
import dk.vejsyn.inference.pipeline.RunReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime guard with injected faults, on any machine: "oneDNN" is simulated (libtorch keeps
 * computing with its own, exact kernels) and {@link OutputFaults} breaks its passes the way the
 * AMD EPYC VM's oneDNN did: NaN, or values that differ. Whatever happens, the run finishes with
 * the detections of a clean run, and the switch is counted.
 */
class TorchRuntimeTest {
    private static final Path DRIVE = Path.of(System.getProperty("vejsyn.repo.root", ".."))
            .resolve("sample-images/odense-drive");
    /** Enough sampled frames of the bundled drive to contain several potholes. */
    private static final int FRAMES = 40;
    private static ModelSpec spec;

    @BeforeAll
    static void spec() {
        spec = ModelSpec.load(ModelSpec.defaultMetadataFile());
    }

    /** The build's setting (aten), restored after each test: later tests in this JVM rely on it. */
    private static final String BUILD_SETTING = System.getProperty("vejsyn.runtime.convolutions");

    @AfterEach
    void realKernelsAgain() {
        restoreSetting();
        TorchRuntime.resetForTests();
    }

    private static void restoreSetting() {
        if (BUILD_SETTING == null) {
            System.clearProperty("vejsyn.runtime.convolutions");
        } else {
            System.setProperty("vejsyn.runtime.convolutions", BUILD_SETTING);
        }
    }

    /** The automatic choice, whatever the build configured. */
    @org.junit.jupiter.api.BeforeEach
    void automatic() {
        System.setProperty("vejsyn.runtime.convolutions", "auto");
    }

    /** NaN in every output of a pass run on "oneDNN" once {@code after} such passes went well. */
    private static OutputFaults nanAfter(int after) {
        AtomicInteger passes = new AtomicInteger();
        return (raw, kernels) -> {
            if (kernels == TorchRuntime.Convolutions.ONEDNN && passes.incrementAndGet() > after) {
                raw[raw.length / 2] = Float.NaN;
            }
            return raw;
        };
    }

    /**
     * Once {@code after} "oneDNN" passes went well, outputs that vary from pass to pass: in range
     * (boxes a few pixels larger, as the VM's fault looked) or out of it (probabilities above 1).
     */
    private static OutputFaults varyingAfter(int after, boolean inRange) {
        AtomicInteger passes = new AtomicInteger();
        Random random = new Random(7);
        return (raw, kernels) -> {
            if (kernels == TorchRuntime.Convolutions.ONEDNN && passes.incrementAndGet() > after) {
                int anchors = raw.length / (4 + spec.outputClasses().size());
                synchronized (random) {
                    if (inRange) {
                        for (int i = 0; i < 4 * anchors; i++) {
                            raw[i] += 0.5f + 3 * random.nextFloat();
                        }
                    } else {
                        for (int i = 4 * anchors; i < raw.length; i++) {
                            raw[i] += 1.01f + random.nextFloat();
                        }
                    }
                }
            }
            return raw;
        };
    }

    private record Run(List<String> observations, RunReport report) {}

    private static Run run(DjlDetector.DetectorModel model) {
        List<String> found = new ArrayList<>();
        ObservationSink sink = new ObservationSink() {
            @Override
            public synchronized void accept(Observation o) {
                found.add(String.format(java.util.Locale.ROOT, "%06d %s %.5f %s", o.frameIndex(), o.type(), o.score(),
                        o.box()));
            }

            @Override
            public void complete() {}
        };
        RunReport report;
        try (var source = new LoopingSource(() -> FrameSources.video(DRIVE.resolve("drive.mp4"),
                DRIVE.resolve("drive-exact.gpx"), SourceOptions.defaults()), FRAMES)) {
            report = new BatchPipeline(model, new ObservationLocator(CameraModel.refuseTruckDashcam(), 25),
                    new PipelineSettings(2, 4, false, 16)).run(source, sink, n -> { });
        }
        found.sort(Comparator.naturalOrder());
        return new Run(found, report);
    }

    private static Run cleanRun() {
        System.setProperty("vejsyn.runtime.convolutions", "aten");
        TorchRuntime.resetForTests();
        try (var model = DjlDetector.DetectorModel.load(spec)) {
            return run(model);
        } finally {
            System.setProperty("vejsyn.runtime.convolutions", "auto");
        }
    }

    @Test
    void oneDnnThatGivesNanFromTheStartIsNeverUsed() {
        TorchRuntime.simulateKernelsForTests();
        try (var model = DjlDetector.DetectorModel.load(spec, nanAfter(0))) {
            assertThat(TorchRuntime.active()).isEqualTo(TorchRuntime.Convolutions.ATEN);
            assertThat(TorchRuntime.status().reason()).contains("oneDNN differed").contains("not a number");
        }
    }

    @Test
    void oneDnnWhoseOutputsDifferWithinRangeIsNeverUsed() {
        // The fault of the AMD VM: finite, plausible, wrong. Only a comparison can see it.
        TorchRuntime.simulateKernelsForTests();
        try (var model = DjlDetector.DetectorModel.load(spec, varyingAfter(0, true))) {
            assertThat(TorchRuntime.active()).isEqualTo(TorchRuntime.Convolutions.ATEN);
            assertThat(TorchRuntime.status().reason()).contains("x the tolerance");
        }
    }

    @Test
    void exactOneDnnIsUsed() {
        TorchRuntime.simulateKernelsForTests();
        try (var model = DjlDetector.DetectorModel.load(spec, OutputFaults.NONE)) {
            assertThat(TorchRuntime.active()).isEqualTo(TorchRuntime.Convolutions.ONEDNN);
            assertThat(TorchRuntime.status().reason()).startsWith("oneDNN matched");
        }
    }

    @Test
    void nanInTheMiddleOfARunFailsOverAndTheDetectionsStayTheCleanOnes() {
        Run clean = cleanRun();
        assertThat(clean.observations()).as("the clean run finds potholes").isNotEmpty();

        TorchRuntime.simulateKernelsForTests();
        // 6 passes of the start-up check and the workers' first re-checks go well; then NaN.
        try (var model = DjlDetector.DetectorModel.load(spec, nanAfter(RuntimeCheck.THREADS
                * (RuntimeCheck.PATTERN_PASSES + 1) + 2 + 5))) {
            assertThat(TorchRuntime.active()).isEqualTo(TorchRuntime.Convolutions.ONEDNN);
            Run faulty = run(model);
            assertThat(faulty.observations()).isEqualTo(clean.observations());
            TorchRuntime.Status status = TorchRuntime.status();
            assertThat(status.convolutions()).isEqualTo(TorchRuntime.Convolutions.ATEN);
            assertThat(status.failovers()).isEqualTo(1);
            assertThat(status.recomputedPasses()).isBetween(1L, 2L); // one per worker at most
            assertThat(faulty.report().passesRecomputed()).isEqualTo(status.recomputedPasses());
            assertThat(status.reason()).contains("after a bad output").contains("NaN");
            assertThat(faulty.report().summary()).contains("1 failover(s)");
        }
    }

    @Test
    void outOfRangeVaryingOutputsMidRunFailOverToo() {
        Run clean = cleanRun();
        TorchRuntime.simulateKernelsForTests();
        try (var model = DjlDetector.DetectorModel.load(spec, varyingAfter(10, false))) {
            Run faulty = run(model);
            assertThat(faulty.observations()).isEqualTo(clean.observations());
            assertThat(TorchRuntime.status().failovers()).isEqualTo(1);
            assertThat(TorchRuntime.active()).isEqualTo(TorchRuntime.Convolutions.ATEN);
        }
    }

    @Test
    void theRecheckCatchesInRangeDriftAndStopsOneDnn() {
        // In-range drift that starts mid-run passes the per-pass guard; the periodic re-check
        // (here every 5 frames per worker) sees it and ends oneDNN's use.
        TorchRuntime.simulateKernelsForTests();
        try (var model = DjlDetector.DetectorModel.load(spec, varyingAfter(10, true), 5)) {
            run(model);
            assertThat(TorchRuntime.status().failovers()).isEqualTo(1);
            assertThat(TorchRuntime.status().reason()).contains("re-check");
            assertThat(TorchRuntime.active()).isEqualTo(TorchRuntime.Convolutions.ATEN);
        }
    }

    @Test
    void configuredOneDnnThatFailsTheCheckRefusesToStart() {
        System.setProperty("vejsyn.runtime.convolutions", "onednn");
        TorchRuntime.simulateKernelsForTests();
        assertThatThrownBy(() -> DjlDetector.DetectorModel.load(spec, nanAfter(0)).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vejsyn.runtime.convolutions=onednn");
    }

    @Test
    void aMachineWhoseOwnKernelsGiveNanIsRefused() {
        TorchRuntime.simulateKernelsForTests();
        OutputFaults allBroken = (raw, kernels) -> {
            raw[0] = Float.NaN;
            return raw;
        };
        assertThatThrownBy(() -> DjlDetector.DetectorModel.load(spec, allBroken).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("even with libtorch's own kernels");
    }

    @Test
    void badOutputsOnTheTrustedKernelsAreAnErrorNeverDetections() {
        Run clean = cleanRun();
        assertThat(clean.report().passesRecomputed()).isZero();
        System.setProperty("vejsyn.runtime.convolutions", "aten");
        TorchRuntime.resetForTests();
        AtomicInteger passes = new AtomicInteger();
        OutputFaults lateNan = (raw, kernels) -> {
            if (passes.incrementAndGet() > 10) {
                raw[5] = Float.NaN;
            }
            return raw;
        };
        try (var model = DjlDetector.DetectorModel.load(spec, lateNan)) {
            assertThatThrownBy(() -> run(model))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("even with libtorch's own kernels");
        }
    }

    @Test
    void theGuardNamesWhatIsOutOfRange() {
        int anchors = 3;
        float[] ok = {10, 20, 30, 5, 6, 7, 1, 2, 3, 4, 5, 6, 0.1f, 0.5f, 0.9f};
        assertThat(OutputGuard.problem(ok, 1, anchors, 800, 512)).isNull();
        float[] negativeWidth = ok.clone();
        negativeWidth[7] = -1;
        assertThat(OutputGuard.problem(negativeWidth, 1, anchors, 800, 512)).contains("row 2, anchor 1");
        float[] probability = ok.clone();
        probability[13] = 1.2f;
        assertThat(OutputGuard.problem(probability, 1, anchors, 800, 512)).contains("row 4");
        float[] nan = ok.clone();
        nan[0] = Float.NaN;
        assertThat(OutputGuard.problem(nan, 1, anchors, 800, 512)).startsWith("NaN");
        assertThat(OutputGuard.problem(new float[14], 1, anchors, 800, 512)).contains("expected 5 x 3");
        assertThat(OutputGuard.mismatch(ok, ok)).isZero();
        assertThat(OutputGuard.mismatch(nan, ok)).isInfinite();
    }
}
