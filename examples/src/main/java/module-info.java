/** Runnable programs that embed manycore through its public API. */
module dev.manycore.examples {
    requires dev.manycore.kernel;

    exports dev.manycore.examples;
}
