/** JMH microbenchmarks and scaling studies; run from the shaded benchmarks.jar on the class path. */
module dev.manycore.benchmarks {
    requires dev.manycore.kernel;
    requires jmh.core;
    requires org.knowm.xchart;

    opens dev.manycore.benchmarks;
}
