/**
 * The server model and fleet runtime, distributed data structures, and the name, page-allocator
 * and process-manager fleets (fos). Filled by the fleet issues.
 */
module dev.manycore.fleets {
    requires transitive dev.manycore.messaging;
    requires transitive dev.manycore.dqdt;
    requires transitive dev.manycore.numa;
    requires org.slf4j;
}
