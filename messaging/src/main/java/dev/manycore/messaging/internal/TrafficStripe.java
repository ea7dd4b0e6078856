package dev.manycore.messaging.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's share of the traffic counters: per (sender cluster, receiver cluster) pair, the
 * messages, bytes and hop-bytes that worker's agents sent and had accepted. Only the owning worker
 * writes, so the send path touches no shared hot counter; a snapshot merges the stripes of all
 * workers (the striping of {@code LongAdder}, without the contention probe, since the owner is
 * fixed).
 *
 * <pre>
 *   rows[senderCluster] = long[3 * clusters], null for clusters the worker does not run
 *   row[3 * receiverCluster + 0] messages, + 1 bytes, + 2 hop-bytes
 * </pre>
 *
 * <p>Memory ordering: the owner writes with opaque stores and readers use opaque loads, so every
 * counter read is a value that was written (no torn longs), and a snapshot taken after the workers
 * stopped (joined) is exact. A snapshot taken while they run is per-counter fresh, not atomic across
 * counters. Rows are allocated at construction, before the worker starts.
 */
public final class TrafficStripe {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int clusters;
    private final long[][] rows;

    /**
     * @param clusters       the number of clusters of the topology
     * @param senderClusters the clusters whose cores this worker runs
     */
    public TrafficStripe(int clusters, int[] senderClusters) {
        this.clusters = clusters;
        this.rows = new long[clusters][];
        for (int c : senderClusters) {
            rows[c] = new long[3 * clusters];
        }
    }

    /**
     * Owner only: counts one accepted message.
     *
     * @param from  the sender's cluster, one of this stripe's sender clusters
     * @param to    the receiver's cluster
     * @param hops  the distance between them
     * @param bytes the message's bytes
     */
    public void record(int from, int to, int hops, int bytes) {
        long[] row = rows[from];
        int i = 3 * to;
        LONGS.setOpaque(row, i, (long) LONGS.getOpaque(row, i) + 1);
        LONGS.setOpaque(row, i + 1, (long) LONGS.getOpaque(row, i + 1) + bytes);
        LONGS.setOpaque(row, i + 2, (long) LONGS.getOpaque(row, i + 2) + (long) bytes * hops);
    }

    /**
     * Adds this stripe into merged per-pair arrays of size clusters * clusters. Any thread.
     *
     * @param messages per pair, {@code from * clusters + to}
     * @param bytes    per pair
     * @param hopBytes per pair
     */
    public void addTo(long[] messages, long[] bytes, long[] hopBytes) {
        for (int from = 0; from < clusters; from++) {
            long[] row = rows[from];
            if (row == null) {
                continue;
            }
            for (int to = 0; to < clusters; to++) {
                int pair = from * clusters + to;
                messages[pair] += (long) LONGS.getOpaque(row, 3 * to);
                bytes[pair] += (long) LONGS.getOpaque(row, 3 * to + 1);
                hopBytes[pair] += (long) LONGS.getOpaque(row, 3 * to + 2);
            }
        }
    }
}
