/**
 * The microkernel of manycore (fos paper 3.1.1, fos report 4.2 and 4.3): mailboxes, send rights,
 * channels, envelopes, the engine and clock abstractions with the threaded engine, per-core name
 * caches and traffic accounting. Only {@code dev.manycore.messaging} is exported; the rings, the
 * workers and the counters live in {@code dev.manycore.messaging.internal}.
 */
module dev.manycore.messaging {
    requires transitive dev.manycore.numa;
    requires org.slf4j;
    // transitive: the benchmarks measure every mailbox and channel against the raw JCTools queue in the same run
    requires transitive org.jctools.core.jdk11;

    exports dev.manycore.messaging;
}
