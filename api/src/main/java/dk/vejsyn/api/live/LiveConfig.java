package dk.vejsyn.api.live;

import dk.vejsyn.api.config.DetectionProperties;
import dk.vejsyn.api.drive.DriveRepository;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.MqttAccounts;
import dk.vejsyn.api.municipality.Municipalities;
import dk.vejsyn.inference.pipeline.DetectionService;
import dk.vejsyn.inference.geo.CameraModel;
import dk.vejsyn.inference.pipeline.DetectionSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Live ingest, when {@code vejsyn.live.enabled} (the default for the service; the one-shot
 * {@code detect --db} command and the tests that do not need it switch it off). The MQTT consumer
 * also needs {@code vejsyn.live.mqtt-enabled}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "vejsyn.live", name = "enabled", havingValue = "true", matchIfMissing = true)
class LiveConfig {

    /** Frames are detected by the service's one detection pool ({@code DetectorConfig}), live frames first. */
    @Bean
    LiveIngest liveIngest(LiveProperties props, DetectionProperties detection, LiveInbox inbox, DriveRepository drives,
            FindingStore store,
            Municipalities municipalities, PlatformTransactionManager tm, DetectionService detectionService,
            MeterRegistry registry) {
        DetectionSettings settings = detection.settings();
        CameraModel camera = props.camera().isBlank()
                ? CameraModel.refuseTruckDashcam() : CameraModel.fromJson(Path.of(props.camera()));
        VehicleCameras cameras = new VehicleCameras(props.camerasDir().isBlank() ? null : Path.of(props.camerasDir()),
                camera, settings::locator);
        return new LiveIngest(props, inbox, drives, store, municipalities, new TransactionTemplate(tm), detectionService, cameras,
                registry, Clock.systemUTC());
    }

    /** The broker's accounts from the vehicle tokens, where this instance manages them ({@code broker-files-dir}). */
    @Bean
    @ConditionalOnExpression("!'${vejsyn.live.broker-files-dir:}'.isBlank()")
    BrokerFiles brokerFiles(LiveProperties props, JdbcClient jdbc, ApiTokens tokens) {
        return new BrokerFiles(new MqttAccounts(jdbc, Path.of(props.brokerFilesDir()), props.topicPrefix(),
                props.mqttUsername(), props.mqttPassword(), Clock.systemUTC()), props.brokerFilesInterval(), tokens);
    }

    @Bean
    @ConditionalOnProperty(prefix = "vejsyn.live", name = "mqtt-enabled", havingValue = "true", matchIfMissing = true)
    MqttFrameConsumer mqttFrameConsumer(LiveIngest ingest) {
        return new MqttFrameConsumer(ingest);
    }
}
