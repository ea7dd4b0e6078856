/**
 * dPool (fos report 4.8.1): an unordered pool of equivalent elements (page frames, PIDs)
 * partitioned over the members of a fleet, with the five rebalancing schemes of the report, and
 * recovery of the partitions of members that leave or fail.
 */
package dev.manycore.fleets.pool;
