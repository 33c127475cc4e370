package org.jobrunr.jobs.filters;

import java.util.List;

/** Test access to the filters a background job server applies (JobRunr keeps the list package-private). */
public final class JobFiltersProbe {
    private JobFiltersProbe() {}

    public static List<JobFilter> filters(JobDefaultFilters filters) {
        return filters.getFilters();
    }
}
