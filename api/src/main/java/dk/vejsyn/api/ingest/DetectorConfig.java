package dk.vejsyn.api.ingest;

import dk.vejsyn.api.config.DetectionProperties;
import dk.vejsyn.inference.detect.DjlDetector;
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
}
