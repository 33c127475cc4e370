package dk.vejsyn.api.ingest;

import dk.vejsyn.api.config.DetectionProperties;
import dk.vejsyn.api.live.LiveProperties;
import dk.vejsyn.inference.detect.DetectorFactory;
import dk.vejsyn.inference.detect.DjlDetector;
import dk.vejsyn.inference.pipeline.DetectionService;
import dk.vejsyn.inference.pipeline.DetectionSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The model of {@code vejsyn.detection.model} (default: {@code VEJSYN_MODEL}, else the shipped one), loaded once per service and shared by live ingest
 * and upload jobs; every worker makes its own predictor from it. Lazy, so contexts that never
 * detect (one-shot commands, tests of the API alone) do not load it.
 */
@Configuration(proxyBeanMethods = false)
public class DetectorConfig {

    @Bean(destroyMethod = "close")
    @Lazy
    public DjlDetector.DetectorModel detectorModel(DetectionProperties detection) {
        return DjlDetector.DetectorModel.load(detection.settings().modelSpec());
    }

    /**
     * The service's one pool of detection workers ({@code vejsyn.detection.workers}, one predictor
     * each), which upload jobs and live frames share: live frames have a lane of
     * {@code vejsyn.live.queue-capacity} places and go first; each upload job's decoder waits for
     * one of the batch lane's places (two per worker and one in each worker). The model loads
     * when the first frame arrives.
     */
    @Bean(destroyMethod = "close")
    @Lazy
    public DetectionService detectionService(DetectionProperties detection, ObjectProvider<LiveProperties> live,
            ObjectProvider<DetectorFactory> detectors) {
        DetectionSettings settings = detection.settings();
        int workers = settings.effectiveWorkers();
        LiveProperties l = live.getIfAvailable();
        int liveCapacity = l == null || !l.enabled() ? 0 : l.queueCapacity();
        return new DetectionService(times -> detectors.getObject().newDetector(times), settings.frameStep(), workers,
                liveCapacity, 3 * workers, "service");
    }
}
