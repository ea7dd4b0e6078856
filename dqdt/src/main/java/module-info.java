/**
 * The Distributed Quaternary Decision Tree (ALMOS): load indicators over the clusters of a
 * topology, wait-free updates, and placement decisions. The API is {@code dev.manycore.dqdt};
 * the implementation lives in the unexported {@code dev.manycore.dqdt.internal}.
 */
module dev.manycore.dqdt {
    requires transitive dev.manycore.numa;
    requires org.slf4j;

    exports dev.manycore.dqdt;
}
