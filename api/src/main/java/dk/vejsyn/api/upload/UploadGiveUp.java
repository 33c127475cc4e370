package dk.vejsyn.api.upload;

import java.util.List;
import java.util.UUID;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobParameter;
import org.jobrunr.jobs.filters.JobServerFilter;
import org.jobrunr.jobs.filters.RetryFilter;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.spring.autoconfigure.JobRunrProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Ends an upload whose job JobRunr has given up on (every retry failed): the upload becomes
 * {@code failed}, keeping the last attempt's error, and its spooled footage is deleted (nothing
 * would read it again, and footage is not kept longer than needed). Without this the upload would
 * answer "queued" for ever and its spool folder would stay.
 *
 * <p>Inputs that are bad in themselves fail at once in {@link UploadJobHandler}; this covers the
 * rest (a database that stayed away through every retry, a bug).
 */
class UploadGiveUp implements JobServerFilter {
    private static final Logger log = LoggerFactory.getLogger(UploadGiveUp.class);

    private final UploadJobRepository jobs;
    private final UploadSpool spool;

    UploadGiveUp(UploadJobRepository jobs, UploadSpool spool) {
        this.jobs = jobs;
        this.spool = spool;
    }

    @Override
    public void onFailedAfterRetries(Job job) {
        for (JobParameter p : job.getJobDetails().getJobParameters()) {
            if (p.getObject() instanceof ProcessUpload request && request.getUploadId() != null) {
                giveUp(request.getUploadId());
            }
        }
    }

    void giveUp(UUID id) {
        jobs.find(id).filter(j -> !j.state().terminal()).ifPresent(j -> {
            jobs.markGivenUp(id);
            spool.delete(j.spoolDir());
            log.warn("upload job {} given up after {} attempts: {}", id, j.attempts(), j.error());
        });
    }

    /**
     * Adds the filter to JobRunr's background job server. The Spring Boot starter installs only
     * its retry filter, built from {@code jobrunr.jobs.*}; the same retry filter is kept.
     */
    @Configuration(proxyBeanMethods = false)
    static class Registration {
        @Bean
        UploadGiveUp uploadGiveUp(UploadJobRepository jobs, UploadSpool spool) {
            return new UploadGiveUp(jobs, spool);
        }

        @Bean
        static BeanPostProcessor uploadGiveUpOnJobServer(ObjectProvider<UploadGiveUp> filter,
                ObjectProvider<JobRunrProperties> properties) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (bean instanceof BackgroundJobServer server) {
                        JobRunrProperties.Jobs p = properties.getObject().getJobs();
                        server.setJobFilters(List.of(
                                new RetryFilter(p.getDefaultNumberOfRetries(), p.getRetryBackOffTimeSeed()),
                                filter.getObject()));
                    }
                    return bean;
                }
            };
        }
    }
}
