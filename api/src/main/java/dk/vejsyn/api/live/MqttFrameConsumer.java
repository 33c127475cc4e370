package dk.vejsyn.api.live;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Consumes live frames from MQTT 5 through the shared subscription
 * {@code $share/{group}/{prefix}/+/+/frames}, so that the instances of one group split the
 * stream.
 *
 * <p>A message is a JPEG payload with the geotag and frame id as MQTT 5 user properties (see
 * {@link FrameFields}). It is acknowledged (PUBACK) only when its frame is in the durable inbox,
 * or when it was a duplicate, or when it was rejected and re-published to the dead-letter topic
 * {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected} with user properties
 * {@code reason} and {@code detail}. Messages are handled one at a time on one thread; while
 * the in-memory queue is full the thread waits and acknowledges nothing, so the broker stops
 * sending after {@code receive-maximum} unacknowledged messages: consumption slows to the
 * workers' pace. The session is persistent ({@code cleanStart=false}) and the client id stable,
 * so messages not yet acknowledged when the service stops are delivered again when it returns.
 * With {@code vejsyn.live.mqtt-username} set it signs in with the service's own account
 * ({@link dk.vejsyn.api.security.MqttAccounts} gives it what it needs and no more).
 */
public final class MqttFrameConsumer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MqttFrameConsumer.class);

    private final LiveIngest ingest;
    private final LiveProperties props;
    private final VehicleTopicSubscriber subscriber;

    public MqttFrameConsumer(LiveIngest ingest) {
        this.ingest = ingest;
        this.props = ingest.properties();
        this.subscriber = new VehicleTopicSubscriber(props, "frames", "live frames", "", "vejsyn-live-mqtt", this::onMessage, 40);
    }

    @Override
    public void start() {
        subscriber.start();
    }

    /** One message, on the consumer thread. Never throws: a bad message must not stop consumption. */
    void onMessage(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String municipality = null;
        String vehicle = null;
        boolean counted = false;
        try {
            String[] parts = subscriber.topicParts(topic);
            if (parts == null) {
                throw new FrameRejectedException(RejectReason.MALFORMED_TOPIC,
                        "topic is not " + props.topicPrefix() + "/{municipality}/{vehicle}/frames: " + topic);
            }
            municipality = parts[0];
            vehicle = parts[1];
            byte[] payload = p.getPayloadAsBytes();
            if (payload.length > props.maxFrameSize().toBytes()) {
                throw new FrameRejectedException(RejectReason.FRAME_TOO_LARGE,
                        "frame of " + payload.length + " bytes exceeds " + props.maxFrameSize());
            }
            Map<String, String> fields = VehicleTopicSubscriber.userProperties(p);
            FrameMessage m = FrameFields.parse(municipality, vehicle, fields::get, payload, Transport.MQTT,
                    props.maxClockSkew(), props.inboxRetention(), ingest.clock());
            counted = true;
            acceptDurably(m);
            p.acknowledge();
        } catch (FrameRejectedException e) {
            if (!counted) {
                ingest.countReceived(Transport.MQTT);
                ingest.reject(Transport.MQTT, e);
            }
            subscriber.deadLetter(p, municipality, vehicle, e.reason().slug(), e.getMessage());
        } catch (LiveBusyException e) {
            log.info("live ingest stopping; frame on {} left to the broker", topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("unexpected failure on a frame from {}", topic, e);
            ingest.reject(Transport.MQTT, new FrameRejectedException(RejectReason.PROCESSING_FAILED, e.toString()));
            subscriber.deadLetter(p, municipality, vehicle, RejectReason.PROCESSING_FAILED.slug(), e.toString());
        }
    }

    /** Until the inbox has the frame (or knows it): the database may be away for a while. */
    private void acceptDurably(FrameMessage m) throws InterruptedException {
        long backoffMs = 500;
        while (true) {
            try {
                ingest.accept(m, true);
                return;
            } catch (DataAccessException | TransactionException e) {
                if (!subscriber.isRunning()) {
                    throw new LiveBusyException("stopping");
                }
                log.warn("cannot store live frame {} / {} yet ({}); retrying in {} ms", m.vehicle(), m.frameId(),
                        e.toString(), backoffMs);
                Thread.sleep(backoffMs);
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    @Override
    public void stop() {
        subscriber.stop();
    }

    /** Whether the broker has confirmed the shared subscription. */
    public boolean isSubscribed() {
        return subscriber.isSubscribed();
    }

    /** {municipality, vehicle} of {@code {prefix}/{municipality}/{vehicle}/frames}, or null. */
    String[] topicParts(String topic) {
        return subscriber.topicParts(topic);
    }

    @Override
    public boolean isRunning() {
        return subscriber.isRunning();
    }

    /** Starts after and stops before {@link LiveIngest}. */
    @Override
    public int getPhase() {
        return 10;
    }
}
