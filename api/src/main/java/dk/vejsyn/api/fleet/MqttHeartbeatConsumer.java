package dk.vejsyn.api.fleet;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dk.vejsyn.api.fleet.HeartbeatRejectedException.Reason;
import dk.vejsyn.api.live.LiveProperties;
import dk.vejsyn.api.live.VehicleTopicSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Consumes heartbeats from MQTT 5 through the shared subscription
 * {@code $share/{group}/{prefix}/+/+/heartbeat}, beside the frame consumer and on the same broker,
 * account, prefix and share group ({@code vejsyn.live.*}); the topic names the vehicle, and the
 * broker's ACL lets a vehicle publish only under its own ({@link dk.vejsyn.api.security.MqttAccounts}).
 *
 * <p>Connection handling is the frame consumer's ({@code MqttFrameConsumer}): the service's account,
 * automatic reconnect with back-off, a persistent session ({@code cleanStart=false}) under a stable
 * client id — here the frame consumer's id + {@code -fleet}, so the two sessions stay apart — and
 * manual acknowledgement: a heartbeat is acknowledged once it is stored, or once it was rejected and
 * re-published to {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected} with user
 * properties {@code reason}, {@code detail} and {@code topic}. While the database is away the
 * consumer retries with back-off and acknowledges nothing.
 */
public final class MqttHeartbeatConsumer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MqttHeartbeatConsumer.class);
    static final String TOPIC = "heartbeat";

    private final Heartbeats heartbeats;
    private final LiveProperties props;
    private final VehicleTopicSubscriber subscriber;

    public MqttHeartbeatConsumer(Heartbeats heartbeats, LiveProperties props) {
        this.heartbeats = heartbeats;
        this.props = props;
        this.subscriber = new VehicleTopicSubscriber(props, TOPIC, "heartbeats", "-fleet", "vejsyn-fleet-mqtt", this::onMessage, 80);
    }

    /** The shared subscription this instance consumes. */
    String subscription() {
        return subscriber.subscription();
    }

    String clientId() {
        return subscriber.clientId();
    }

    @Override
    public void start() {
        subscriber.start();
    }

    /** One message, on the consumer thread. Never throws: a bad heartbeat must not stop consumption. */
    void onMessage(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String[] parts = subscriber.topicParts(topic);
        try {
            if (parts == null) {
                heartbeats.rejected("mqtt", Reason.MALFORMED_TOPIC);
                throw new HeartbeatRejectedException(Reason.MALFORMED_TOPIC,
                        "topic is not " + props.topicPrefix() + "/{municipality}/{vehicle}/" + TOPIC + ": " + topic);
            }
            storeDurably(parts[0], parts[1], p.getPayloadAsBytes());
            p.acknowledge();
        } catch (HeartbeatRejectedException e) {
            deadLetter(p, parts, e.reason(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StoppingException e) {
            log.info("stopping; heartbeat on {} left to the broker", topic);
        } catch (RuntimeException e) {
            log.error("unexpected failure on a heartbeat from {}", topic, e);
            heartbeats.rejected("mqtt", Reason.PROCESSING_FAILED);
            deadLetter(p, parts, Reason.PROCESSING_FAILED, e.toString());
        }
    }

    /** Until the store has it: the database may be away for a while. */
    private void storeDurably(String municipality, String vehicle, byte[] body) throws InterruptedException {
        long backoffMs = 500;
        while (true) {
            try {
                heartbeats.accept(municipality, vehicle, body, "mqtt");
                return;
            } catch (DataAccessException | TransactionException e) {
                if (!subscriber.isRunning()) {
                    throw new StoppingException();
                }
                log.warn("cannot store heartbeat of {} / {} yet ({}); retrying in {} ms", municipality, vehicle,
                        e.toString(), backoffMs);
                Thread.sleep(backoffMs);
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    private static final class StoppingException extends RuntimeException {
        StoppingException() {
            super("stopping", null, false, false);
        }
    }

    /** Re-publishes a rejected heartbeat with its reason and acknowledges it ({@link VehicleTopicSubscriber#deadLetter}). */
    private void deadLetter(Mqtt5Publish p, String[] parts, Reason reason, String detail) {
        subscriber.deadLetter(p, parts == null ? null : parts[0], parts == null ? null : parts[1], reason.slug(), detail);
    }

    @Override
    public void stop() {
        subscriber.stop();
    }

    /** Whether the broker has confirmed the shared subscription. */
    public boolean isSubscribed() {
        return subscriber.isSubscribed();
    }

    @Override
    public boolean isRunning() {
        return subscriber.isRunning();
    }

    @Override
    public int getPhase() {
        return 10;
    }
}
