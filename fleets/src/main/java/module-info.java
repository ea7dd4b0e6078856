/**
 * The server model and fleet runtime (fos paper 3.2, fos report 3.2 and 4.3): servers, their
 * context, typed clients and fleets with membership, elasticity and failure detection; and the
 * name service fleet (fos paper 3.4, fos report 4.7.1 and 4.8.2). Later issues add the
 * page-allocator and process-manager fleets. Implementation lives in the non-exported
 * {@code dev.manycore.fleets.internal} packages.
 */
module dev.manycore.fleets {
    requires transitive dev.manycore.messaging;
    requires transitive dev.manycore.dqdt;
    requires transitive dev.manycore.numa;
    requires transitive org.slf4j;

    exports dev.manycore.fleets;
    exports dev.manycore.fleets.names;
    exports dev.manycore.fleets.pages;
    exports dev.manycore.fleets.pool;
    exports dev.manycore.fleets.processes;

}
