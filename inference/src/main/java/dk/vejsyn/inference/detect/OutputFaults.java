package dk.vejsyn.inference.detect;

/**
 * Fault injection for tests: changes a forward pass's output as a broken runtime would, so the
 * guard and the failover can be tested without a faulty CPU. Production code uses {@link #NONE}.
 */
@FunctionalInterface
interface OutputFaults {
    OutputFaults NONE = (raw, kernels) -> raw;

    /**
     * @param raw the output as computed (may be changed in place and returned)
     * @param kernels the convolution kernels the pass ran with
     */
    float[] apply(float[] raw, TorchRuntime.Convolutions kernels);
}
