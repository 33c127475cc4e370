package dk.vejsyn.api;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Vejsyn service: findings store, maintenance API, OGC API – Features, vector tiles and map. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VejsynApplication {

    /** Whether this process runs upload jobs (JobRunr's background job server). */
    public static final String JOB_SERVER_PROPERTY = "jobrunr.background-job-server.enabled";

    public static void main(String[] args) {
        // DJL must never probe the network, and each predictor gets one PyTorch thread (one
        // worker per core): the same process setup as the command line, before any DJL class
        // loads (STACK.md trap 1). Without it `java -jar` ran two threads per predictor, twice as
        // many as cores.
        dk.vejsyn.inference.detect.TorchRuntime.configureProcess();
        SpringApplication app = new SpringApplication(VejsynApplication.class);
        // Started as the service (java -jar): process upload jobs. A default property, so an
        // explicit jobrunr.background-job-server.enabled=false still wins.
        app.setDefaultProperties(Map.of(JOB_SERVER_PROPERTY, "true"));
        app.run(args);
    }
}
