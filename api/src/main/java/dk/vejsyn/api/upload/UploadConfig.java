package dk.vejsyn.api.upload;

import dk.vejsyn.api.config.JobProperties;
import jakarta.servlet.MultipartConfigElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Multipart handling for uploads, from {@link JobProperties}: parts stream to a folder inside
 * the spool (threshold 0: nothing is held in memory, and moving a part into its job's folder is a
 * rename on the same file system), with the configured size limit. Replaces Spring Boot's own
 * {@code spring.servlet.multipart.*} configuration.
 */
@Configuration(proxyBeanMethods = false)
class UploadConfig {

    @Bean
    MultipartConfigElement multipartConfigElement(JobProperties props) {
        Path incoming = props.spoolDir().resolve("incoming").toAbsolutePath().normalize();
        try {
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the upload spool " + incoming, e);
        }
        long max = props.maxUploadSize().toBytes();
        return new MultipartConfigElement(incoming.toString(), max, max, 0);
    }

    @Bean
    FilterRegistrationBean<UploadSizeFilter> uploadSizeFilter(JobProperties props, ObjectMapper json) {
        FilterRegistrationBean<UploadSizeFilter> r = new FilterRegistrationBean<>(new UploadSizeFilter(props, json));
        r.addUrlPatterns("/api/v1/drives");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
        return r;
    }

    /**
     * Tomcat answers {@code Expect: 100-continue} as soon as the headers are read by default;
     * then a client starts sending a body that {@link UploadSizeFilter} is about to refuse.
     * Answering only when the application reads the body lets the 413 go out first.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> continueWhenTheBodyIsRead() {
        return factory -> factory.addConnectorCustomizers(c -> c.setProperty("continueResponseTiming", "onRead"));
    }
}
