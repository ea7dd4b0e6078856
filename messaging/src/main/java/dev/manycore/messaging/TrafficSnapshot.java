package dev.manycore.messaging;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

import java.util.Arrays;

/**
 * The traffic an engine carried, merged from its per-worker counters: per cluster pair, the
 * messages, bytes and hop-bytes of every message a send accepted (DELIVERED), and what follows from
 * them: locality (the share of messages that stayed in their cluster), traffic by hop distance, and
 * network energy from the {@link CostModel} ("energy by moved bit", fos/ALMOS). Bytes are the
 * estimate of {@code PayloadSize}: a 32-byte header plus the payload's shallow size.
 *
 * <p>Energy is {@code CostModel.messageEnergy(hops, bytes)} summed over messages; since that model is
 * linear in bytes for a given distance, it is computed per pair from the pair's byte total.
 *
 * <p>Immutable and thread-safe.
 */
public final class TrafficSnapshot {

    private final Topology topology;
    private final int clusters;
    private final long[] messages;
    private final long[] bytes;
    private final long[] hopBytes;
    private final long[] messagesByHops;
    private final long[] bytesByHops;
    private final long totalMessages;
    private final long totalBytes;
    private final long totalHopBytes;
    private final double energyPicojoules;

    /**
     * @param costModel the cost model of the engine (its topology gives the distances)
     * @param messages  per pair {@code from * clusters + to}; taken over, not copied
     * @param bytes     per pair; taken over
     * @param hopBytes  per pair; taken over
     */
    TrafficSnapshot(CostModel costModel, long[] messages, long[] bytes, long[] hopBytes) {
        this.topology = costModel.topology();
        this.clusters = topology.clusterCount();
        this.messages = messages;
        this.bytes = bytes;
        this.hopBytes = hopBytes;
        this.messagesByHops = new long[topology.diameter() + 1];
        this.bytesByHops = new long[topology.diameter() + 1];
        long m = 0, b = 0, hb = 0;
        double energy = 0;
        for (int from = 0; from < clusters; from++) {
            for (int to = 0; to < clusters; to++) {
                int pair = from * clusters + to;
                if (messages[pair] == 0) {
                    continue;
                }
                int hops = topology.distance(topology.cluster(from), topology.cluster(to));
                messagesByHops[hops] += messages[pair];
                bytesByHops[hops] += bytes[pair];
                m += messages[pair];
                b += bytes[pair];
                hb += hopBytes[pair];
                energy += 8.0 * bytes[pair] * hops * costModel.energyPerBitHopPicojoules();
            }
        }
        this.totalMessages = m;
        this.totalBytes = b;
        this.totalHopBytes = hb;
        this.energyPicojoules = energy;
    }

    /** @return messages accepted, over all pairs */
    public long messages() {
        return totalMessages;
    }

    /** @return bytes accepted, over all pairs */
    public long bytes() {
        return totalBytes;
    }

    /** @return the sum over messages of bytes times hops */
    public long hopBytes() {
        return totalHopBytes;
    }

    /** @return network energy in picojoules, from the cost model */
    public double energyPicojoules() {
        return energyPicojoules;
    }

    /** @return the share of messages whose sender and receiver are in one cluster; 1 when there is no traffic */
    public double localityRatio() {
        return totalMessages == 0 ? 1.0 : (double) messagesByHops[0] / totalMessages;
    }

    /** @return messages per hop distance, index = hops, 0 to the topology's diameter (a copy) */
    public long[] messagesByHops() {
        return messagesByHops.clone();
    }

    /** @return bytes per hop distance, index = hops (a copy) */
    public long[] bytesByHops() {
        return bytesByHops.clone();
    }

    /**
     * @param from the sender's cluster
     * @param to   the receiver's cluster
     * @return messages accepted from {@code from} to {@code to}
     */
    public long messages(ClusterId from, ClusterId to) {
        return messages[pair(from, to)];
    }

    /**
     * @param from the sender's cluster
     * @param to   the receiver's cluster
     * @return bytes accepted from {@code from} to {@code to}
     */
    public long bytes(ClusterId from, ClusterId to) {
        return bytes[pair(from, to)];
    }

    /**
     * @param from the sender's cluster
     * @param to   the receiver's cluster
     * @return hop-bytes from {@code from} to {@code to}
     */
    public long hopBytes(ClusterId from, ClusterId to) {
        return hopBytes[pair(from, to)];
    }

    private int pair(ClusterId from, ClusterId to) {
        topology.distance(from, to);
        return from.index() * clusters + to.index();
    }

    @Override
    public String toString() {
        return "TrafficSnapshot[" + totalMessages + " messages, " + totalBytes + " B, " + totalHopBytes
                + " hop-B, locality " + String.format("%.3f", localityRatio()) + ", by hops "
                + Arrays.toString(messagesByHops) + ", " + String.format("%.1f", energyPicojoules) + " pJ]";
    }
}
