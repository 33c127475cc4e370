package dk.vejsyn.inference.pipeline;

/**
 * Run-time settings of a detection pipeline, with the documented defaults (README,
 * "Configuration").
 *
 * @param workers detector threads, each with its own predictor (default: one per core)
 * @param queueCapacity decoded frames waiting for a worker; bounds memory (default 2 per worker)
 * @param evidence whether to cut a JPEG crop of each detection's damage region (default true)
 * @param evidenceMarginPx context kept around the box in the crop, pixels (default 16)
 */
public record PipelineSettings(int workers, int queueCapacity, boolean evidence, int evidenceMarginPx) {

    public PipelineSettings {
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be in [1, 64]: " + workers);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive: " + queueCapacity);
        }
        if (evidenceMarginPx < 0) {
            throw new IllegalArgumentException("evidence margin must not be negative: " + evidenceMarginPx);
        }
    }

    /** PyTorch threads per worker: {@link dk.vejsyn.inference.detect.TorchRuntime#THREADS_PER_PREDICTOR}. */
    public static final int THREADS_PER_WORKER = dk.vejsyn.inference.detect.TorchRuntime.THREADS_PER_PREDICTOR;

    /**
     * Makes OpenCV run each call on the calling thread. With one worker per core, OpenCV's own
     * pool (which splits a single resize or colour conversion across all cores and spins while
     * it waits) only adds hand-offs: letterbox preprocessing took 1.3 instead of 2.0–2.2 CPU ms
     * per 720p frame with it off (docs/BENCHMARKS.md). Process-wide and idempotent; every pipeline
     * that runs one detector per core calls it before its workers start.
     */
    public static void useOneNativeThreadPerWorker() {
        if (!NATIVE_THREADS_SET.getAndSet(true)) {
            org.bytedeco.opencv.global.opencv_core.setNumThreads(THREADS_PER_WORKER);
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean NATIVE_THREADS_SET =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Workers for this machine: cores / {@link #THREADS_PER_WORKER}, at least one. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / THREADS_PER_WORKER);
    }

    public static PipelineSettings defaults() {
        int w = defaultWorkers();
        return new PipelineSettings(w, 2 * w, true, Evidence.DEFAULT_MARGIN_PX);
    }

    public PipelineSettings withWorkers(int n) {
        return new PipelineSettings(n, Math.max(queueCapacity, 2 * n), evidence, evidenceMarginPx);
    }

    public PipelineSettings withEvidence(boolean on) {
        return new PipelineSettings(workers, queueCapacity, on, evidenceMarginPx);
    }
}
