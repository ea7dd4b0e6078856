package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.internal.PayloadSize;

/**
 * A sender's way to one destination in the simulation, the counterpart of the threaded engine's
 * {@code Route}: the destination, the hop distance, the latest arrival time scheduled on it (which
 * keeps the sender's messages in order whatever their size, delays or transport), the channel state,
 * and a one-entry cache of the last payload class's size and latencies.
 *
 * <p>Confined to the simulation's host thread.
 */
final class SimRoute {

    final SimAgentContext destination;
    final int hops;
    final int toCluster;
    /** The arrival time of the last message sent on this route; the next one arrives no earlier. */
    long lastArrival = Long.MIN_VALUE;
    boolean channelOpen;
    /** Messages sent through this route's channel and not yet received. */
    int channelUsed;
    Class<?> checkedClass;
    private Class<?> sizedClass;
    private int sizedBytes;
    private long sizedMailboxLatency;
    private long sizedChannelLatency;

    SimRoute(SimAgentContext destination, int hops, int toCluster) {
        this.destination = destination;
        this.hops = hops;
        this.toCluster = toCluster;
    }

    /**
     * Sizes the payload and computes its latencies, from the cache when the class repeats.
     *
     * @param payload the payload being sent
     * @param costs   the simulation's delivery, which holds the cost figures
     * @return its bytes (the latencies are then in {@link #mailboxLatency()} and {@link #channelLatency()})
     */
    int size(Object payload, Delivery costs) {
        Class<?> type = payload.getClass();
        if (type == sizedClass) {
            return sizedBytes;
        }
        int bytes = PayloadSize.bytes(payload);
        sizedBytes = bytes;
        sizedMailboxLatency = costs.mailboxLatency(hops, bytes);
        sizedChannelLatency = costs.channelLatency(hops, bytes);
        sizedClass = type == String.class ? null : type;
        return bytes;
    }

    long mailboxLatency() {
        return sizedMailboxLatency;
    }

    long channelLatency() {
        return sizedChannelLatency;
    }
}
