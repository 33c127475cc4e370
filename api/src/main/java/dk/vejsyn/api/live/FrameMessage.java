package dk.vejsyn.api.live;

import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;
import java.util.Objects;

/**
 * One live frame as a vehicle sent it, validated: the JPEG bytes (not yet decoded), where and when
 * it was taken, and the vehicle's id for it.
 *
 * @param municipality three-digit municipality code
 * @param vehicle vehicle id
 * @param frameId the vehicle's id for the frame; (vehicle, frameId) is processed once
 * @param tag position, heading, speed, time and accuracy at capture
 * @param jpeg the frame
 * @param transport how it arrived
 * @param receivedAt when this service received it
 */
public record FrameMessage(String municipality, String vehicle, String frameId, GeoTag tag, byte[] jpeg,
        Transport transport, Instant receivedAt) {

    public FrameMessage {
        Objects.requireNonNull(municipality, "municipality");
        Objects.requireNonNull(vehicle, "vehicle");
        Objects.requireNonNull(frameId, "frameId");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(jpeg, "jpeg");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** The observation source of this frame: the same whatever transport brought it. */
    public String source() {
        return source(vehicle, frameId);
    }

    static String source(String vehicle, String frameId) {
        return "live/" + vehicle + "/" + frameId;
    }
}
