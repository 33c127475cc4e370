package dk.vejsyn.api.live;

/** A live frame refused for a {@link RejectReason}, with a detail for the sender. */
public class FrameRejectedException extends RuntimeException {
    private final RejectReason reason;

    public FrameRejectedException(RejectReason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
