package dk.vejsyn.api.live;

import dk.vejsyn.inference.detect.Detection;
import dk.vejsyn.inference.detect.Detector;
import dk.vejsyn.inference.detect.DetectorFactory;
import dk.vejsyn.inference.frame.Frame;
import dk.vejsyn.inference.timing.StageTimes;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Detectors that hold every frame until the test opens the gate, then find nothing: the stand-in
 * for inference that cannot keep up, to fill the live queue deterministically.
 */
final class GatedDetectors implements DetectorFactory {
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger entered = new AtomicInteger();

    @Override
    public Detector newDetector(StageTimes times) {
        return new Detector() {
            @Override
            public List<Detection> detect(Frame frame) {
                entered.incrementAndGet();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }

            @Override
            public void close() {}
        };
    }

    void open() {
        gate.countDown();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Config {
        @Bean
        @Primary
        GatedDetectors gatedDetectors() {
            return new GatedDetectors();
        }
    }
}
