package dk.vejsyn.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Vejsyn service: findings store, maintenance API, OGC API – Features, vector tiles and map. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VejsynApplication {

    public static void main(String[] args) {
        // DJL must never probe the network: set before any DJL class can load (STACK.md trap 1).
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(VejsynApplication.class, args);
    }
}
