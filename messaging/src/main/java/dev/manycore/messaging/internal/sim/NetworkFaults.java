package dev.manycore.messaging.internal.sim;

import java.util.Arrays;

/**
 * The state of the simulated network under faults (fos report 3.2.4): extra latency per cluster
 * pair from active link delays, and the active partitions as a group number per cluster. The send
 * path tests {@link #linkDelays} and {@link #cuts} first, so a run without faults pays two int
 * loads per message.
 *
 * <pre>
 *   extra[from * clusters + to]   nanoseconds added to a message sent now (sum of active delays)
 *   groups[i][cluster]            group of the cluster in active partition i (0: not named)
 *   two clusters are connected iff every active partition puts them in the same group
 * </pre>
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class NetworkFaults {

    private final int clusters;
    private long[] extra;
    /** Active link delays; the extra table is read only when this is positive. */
    int linkDelays;
    private int[][] groups = new int[4][];
    private long[] ends = new long[4];
    private int[] faults = new int[4];
    /** Active partitions; connectivity is checked only when this is positive. */
    int cuts;

    NetworkFaults(int clusters) {
        this.clusters = clusters;
    }

    /**
     * @param a     one cluster
     * @param b     the other (both directions are delayed)
     * @param nanos the delay to add, or (negative) to remove
     */
    void addLinkDelay(int a, int b, long nanos) {
        if (extra == null) {
            extra = new long[clusters * clusters];
        }
        extra[a * clusters + b] += nanos;
        if (a != b) {
            extra[b * clusters + a] += nanos;
        }
        linkDelays += nanos > 0 ? 1 : -1;
    }

    /** @return the extra latency of a message sent now from one cluster to another; only when {@link #linkDelays} &gt; 0 */
    long extra(int from, int to) {
        return extra[from * clusters + to];
    }

    /**
     * @param fault       the partition's fault index
     * @param groupOfCluster the group of every cluster
     * @param end         when it heals
     */
    void addCut(int fault, int[] groupOfCluster, long end) {
        if (cuts == groups.length) {
            groups = Arrays.copyOf(groups, cuts * 2);
            ends = Arrays.copyOf(ends, cuts * 2);
            faults = Arrays.copyOf(faults, cuts * 2);
        }
        groups[cuts] = groupOfCluster;
        ends[cuts] = end;
        faults[cuts++] = fault;
    }

    /** @param fault the fault index of a partition that healed */
    void removeCut(int fault) {
        for (int i = 0; i < cuts; i++) {
            if (faults[i] == fault) {
                cuts--;
                groups[i] = groups[cuts];
                ends[i] = ends[cuts];
                faults[i] = faults[cuts];
                groups[cuts] = null;
                return;
            }
        }
    }

    /** @return the end of an active partition that separates the two clusters, or -1 when they are connected */
    long cutEnd(int fromCluster, int toCluster) {
        for (int i = 0; i < cuts; i++) {
            int[] g = groups[i];
            if (g[fromCluster] != g[toCluster]) {
                return ends[i];
            }
        }
        return -1;
    }
}
