package dk.vejsyn.api.ingest;

import dk.vejsyn.inference.detect.TorchRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * The model runtime's trust counters on {@code /actuator/prometheus}: which convolution kernels
 * are in use, how often an untrusted output was caught and computed again (README, "Platform
 * notes"). An alert on {@code vejsyn_runtime_failovers_total > 0} tells operations that a machine
 * misbehaved; the findings stayed right, but the machine runs slower.
 */
@Component
class RuntimeMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("vejsyn.runtime.failovers", TorchRuntime.class, c -> TorchRuntime.status().failovers())
                .description("switches from oneDNN to libtorch's own kernels after an untrusted output")
                .register(registry);
        FunctionCounter.builder("vejsyn.runtime.recomputed.passes", TorchRuntime.class,
                        c -> TorchRuntime.status().recomputedPasses())
                .description("forward passes computed again because their first output was not trusted")
                .register(registry);
        FunctionCounter.builder("vejsyn.runtime.checks", TorchRuntime.class, c -> TorchRuntime.status().checks())
                .description("comparisons of the kernels in use against the trusted output")
                .register(registry);
        for (TorchRuntime.Convolutions k : TorchRuntime.Convolutions.values()) {
            Gauge.builder("vejsyn.runtime.convolutions", TorchRuntime.class, c -> TorchRuntime.active() == k ? 1 : 0)
                    .description("1 for the convolution kernels in use")
                    .tag("kernels", k.label())
                    .register(registry);
        }
    }
}
