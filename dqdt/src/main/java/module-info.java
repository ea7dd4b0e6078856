/**
 * The Distributed Quaternary Decision Tree (ALMOS): load indicators over the clusters of a
 * topology, wait-free updates, and placement decisions. Filled by the DQDT issue.
 */
module dev.manycore.dqdt {
    requires transitive dev.manycore.numa;
    requires org.slf4j;
}
