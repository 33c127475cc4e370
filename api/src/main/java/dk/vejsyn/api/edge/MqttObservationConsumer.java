package dk.vejsyn.api.edge;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.live.LiveProperties;
import dk.vejsyn.api.live.VehicleTopicSubscriber;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Consumes on-board observations from MQTT 5 through the shared subscription
 * {@code $share/{group}/{prefix}/+/+/observations} (one message per observation: its evidence crop
 * as payload, its fields as user properties), on the broker, account and share group of live frame
 * ingest ({@code vejsyn.live.*}), with its own persistent session (client id {@code {client-id}-obs}).
 *
 * <p>A message is acknowledged only after its observation (or the knowledge that it was stored
 * before) has committed; while the database is away it is retried with back-off and not
 * acknowledged, so the broker keeps it. An invalid one is re-published to the dead-letter topic
 * {@code {prefix}/dead-letter/{municipality}/{vehicle}/rejected} with its {@code reason} and then
 * acknowledged: sending it again would not make it valid.
 */
public final class MqttObservationConsumer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MqttObservationConsumer.class);

    private final EdgeObservations observations;
    private final LiveProperties props;
    private final VehicleTopicSubscriber subscriber;

    public MqttObservationConsumer(EdgeObservations observations, LiveProperties props) {
        this.observations = observations;
        this.props = props;
        this.subscriber = new VehicleTopicSubscriber(props, "observations", "on-board observations", "-obs", "vejsyn-edge-mqtt", this::onMessage, 200);
    }

    String subscription() {
        return subscriber.subscription();
    }

    @Override
    public void start() {
        subscriber.start();
    }

    /** One message, on the consumer thread; never throws. */
    void onMessage(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String[] parts = subscriber.topicParts(topic);
        if (parts == null) {
            subscriber.deadLetter(p, null, null, "malformed-topic", topic);
            return;
        }
        Map<String, String> fields = VehicleTopicSubscriber.userProperties(p);
        long backoffMs = 500;
        while (subscriber.isRunning()) {
            try {
                observations.accept(parts[0], parts[1], fields::get, p.getPayloadAsBytes());
                p.acknowledge();
                return;
            } catch (IllegalArgumentException e) {
                subscriber.deadLetter(p, parts[0], parts[1], "invalid-observation", e.getMessage());
                return;
            } catch (ApiException e) {
                subscriber.deadLetter(p, parts[0], parts[1], "unknown-municipality", e.getMessage());
                return;
            } catch (DataAccessException | TransactionException e) {
                log.warn("cannot store an observation of {} yet ({}); retrying in {} ms", parts[1], e.toString(), backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMs = Math.min(10_000, backoffMs * 2);
            } catch (RuntimeException e) {
                log.error("unexpected failure on an observation from {}", topic, e);
                subscriber.deadLetter(p, parts[0], parts[1], "processing-failed", e.toString());
                return;
            }
        }
    }

    @Override
    public void stop() {
        subscriber.stop();
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
