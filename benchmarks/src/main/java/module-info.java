/** JMH microbenchmarks and scaling studies; run from the shaded benchmarks.jar on the class path. */
module dev.manycore.benchmarks {
    requires dev.manycore.kernel;
    requires jmh.core;

    opens dev.manycore.benchmarks;
}
