/**
 * Simulated and real cc-NUMA topologies: clusters with a memory bank each, cores, hop distances,
 * the cost model that turns hops and bytes into time and energy, and CPU affinity for the host.
 */
module dev.manycore.numa {
    requires org.slf4j;

    exports dev.manycore.numa;
}
