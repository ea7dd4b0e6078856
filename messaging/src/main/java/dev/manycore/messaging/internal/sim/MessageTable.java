package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;

import java.util.Arrays;

/**
 * The messages accepted and not yet received, as a struct of arrays indexed by slot, with a free
 * list: a pending message costs 36 bytes of array slots (plus its payload) and no object, and a
 * delivery event carries only its slot number.
 *
 * <pre>
 *   payload | sender | correlation | sendTime | to (agent index) | origin | channel
 *   origin = sender cluster &lt;&lt; 12 | hops, bit 30 set once the message was held at a partition
 *   channel = the route whose channel carried it (its slot is freed on receipt), or null
 * </pre>
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class MessageTable {

    static final int HOPS_MASK = 0xFFF;
    static final int HELD = 1 << 30;

    Object[] payload = new Object[1024];
    Address[] sender = new Address[1024];
    long[] correlation = new long[1024];
    long[] sendTime = new long[1024];
    int[] to = new int[1024];
    int[] origin = new int[1024];
    SimRoute[] channel = new SimRoute[1024];
    private int[] free = new int[1024];
    private int freeCount;
    private int highWater;
    private final int maxSlots;

    /** @param maxSlots the most slots, so a slot number fits the event reference */
    MessageTable(int maxSlots) {
        this.maxSlots = maxSlots;
    }

    int add(Object payload, Address sender, long correlation, long sendTime, int to, int origin, SimRoute channel) {
        int m;
        if (freeCount > 0) {
            m = free[--freeCount];
        } else {
            if (highWater == this.payload.length) {
                grow();
            }
            m = highWater++;
        }
        this.payload[m] = payload;
        this.sender[m] = sender;
        this.correlation[m] = correlation;
        this.sendTime[m] = sendTime;
        this.to[m] = to;
        this.origin[m] = origin;
        this.channel[m] = channel;
        return m;
    }

    void free(int m) {
        payload[m] = null;
        sender[m] = null;
        channel[m] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = m;
    }

    /** @return the sender's cluster of a message */
    int fromCluster(int m) {
        return origin[m] >>> 12 & 0x3FFFF;
    }

    private void grow() {
        int n = payload.length * 2;
        if (n > maxSlots) {
            throw new IllegalStateException("more than " + payload.length
                    + " messages accepted and not received: the simulation is out of message slots");
        }
        payload = Arrays.copyOf(payload, n);
        sender = Arrays.copyOf(sender, n);
        correlation = Arrays.copyOf(correlation, n);
        sendTime = Arrays.copyOf(sendTime, n);
        to = Arrays.copyOf(to, n);
        origin = Arrays.copyOf(origin, n);
        channel = Arrays.copyOf(channel, n);
    }
}
