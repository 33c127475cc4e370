package dk.vejsyn.api.audit;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers the {@link AuditInterceptor} on the HTTP API (where there is a store: not in web-layer slice tests). */
@Configuration
class AuditConfig implements WebMvcConfigurer {
    private final ObjectProvider<AuditLog> audit;

    AuditConfig(ObjectProvider<AuditLog> audit) {
        this.audit = audit;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        audit.ifAvailable(a -> registry.addInterceptor(new AuditInterceptor(a)).addPathPatterns("/api/**"));
    }
}
