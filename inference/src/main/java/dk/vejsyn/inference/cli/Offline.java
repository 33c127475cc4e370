package dk.vejsyn.inference.cli;

/**
 * Keeps DJL from reaching for the network. Must run before any DJL class loads: DJL reads these
 * settings in static initialisers (engine discovery probes a cloud metadata address and may try
 * to download natives otherwise).
 */
public final class Offline {
    private Offline() {}

    public static void enforce() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads",
                    String.valueOf(dk.vejsyn.inference.pipeline.PipelineSettings.THREADS_PER_WORKER));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
