/**
 * KernelBuilder and Kernel, which compose a topology, an engine (threaded or simulated) and the
 * fleets (name service, page allocator, process manager) on dedicated cores; Syscalls, the libfos
 * layer, for user programs that run as processes of virtual threads on simulated cores;
 * KernelReport. The implementation lives in the non-exported {@code dev.manycore.kernel.internal}
 * package.
 */
module dev.manycore.kernel {
    requires transitive dev.manycore.fleets;
    requires transitive dev.manycore.numa;
    requires org.slf4j;
    requires HdrHistogram;

    exports dev.manycore.kernel;
}
