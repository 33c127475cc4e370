package dk.vejsyn.agent;

/** A source of GPS fixes that feeds {@link Fixes} on a thread of its own until closed. */
public interface GpsReceiver extends AutoCloseable {
    /** Starts receiving. */
    void start();

    /** What went wrong last (for the heartbeat), or null. */
    String lastError();

    @Override
    void close();
}
