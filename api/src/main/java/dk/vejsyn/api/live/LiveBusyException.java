package dk.vejsyn.api.live;

/** No room for another live frame now: the sender should retry later (HTTP 503 with Retry-After). */
public class LiveBusyException extends RuntimeException {
    public LiveBusyException(String message) {
        super(message);
    }
}
