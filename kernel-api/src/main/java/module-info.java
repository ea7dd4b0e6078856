/**
 * KernelBuilder and Kernel, which compose a topology, an engine and the fleets; Syscalls for user
 * programs. Filled by the kernel issue.
 */
module dev.manycore.kernel {
    requires transitive dev.manycore.fleets;
    requires transitive dev.manycore.numa;
    requires org.slf4j;
    requires HdrHistogram;

    exports dev.manycore.kernel;
}
