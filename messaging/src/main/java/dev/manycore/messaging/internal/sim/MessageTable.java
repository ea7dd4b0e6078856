package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;

import java.util.Arrays;

/**
 * The messages accepted and not yet received, in two arrays indexed by slot (three references and
 * three longs a slot, side by side), with a free list: a pending message costs 36 bytes of array
 * slots (plus its payload) and no object, a delivery event carries only its slot number, and a
 * hand-over reads two cache lines, not one per field.
 *
 * <pre>
 *   refs[3m .. 3m+2]:  payload | sender | channel
 *   words[3m .. 3m+2]: correlation | sendTime | to (agent index) &lt;&lt; 32 | origin
 *   once the message is in its receiver's mailbox queue, its receiver is known and the high half of
 *   words[3m+2] links to the next message of that queue instead
 *   origin = sender cluster &lt;&lt; 12 | hops, bit 30 set once the message was held at a partition
 *   channel = the route whose channel carried it (its slot is freed on receipt), or null
 * </pre>
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
final class MessageTable {

    static final int HOPS_MASK = 0xFFF;
    static final int HELD = 1 << 30;

    private Object[] refs = new Object[3 * 1024];
    private long[] words = new long[3 * 1024];
    private int[] free = new int[1024];
    private int freeCount;
    private int highWater;
    private int capacity = 1024;
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
            if (highWater == capacity) {
                grow();
            }
            m = highWater++;
        }
        int r = 3 * m;
        Object[] o = refs;
        o[r] = payload;
        o[r + 1] = sender;
        o[r + 2] = channel;
        long[] w = words;
        w[r] = correlation;
        w[r + 1] = sendTime;
        w[r + 2] = (long) to << 32 | (origin & 0xFFFFFFFFL);
        return m;
    }

    void free(int m) {
        int r = 3 * m;
        refs[r] = null;
        refs[r + 1] = null;
        refs[r + 2] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = m;
    }

    Object payload(int m) {
        return refs[3 * m];
    }

    Address sender(int m) {
        return (Address) refs[3 * m + 1];
    }

    SimRoute channel(int m) {
        return (SimRoute) refs[3 * m + 2];
    }

    long correlation(int m) {
        return words[3 * m];
    }

    long sendTime(int m) {
        return words[3 * m + 1];
    }

    /** @return the receiving agent's index */
    int to(int m) {
        return (int) (words[3 * m + 2] >>> 32);
    }

    /** Links a message in a mailbox queue (its receiver is no longer asked for) to the next one. */
    void setNext(int m, int next) {
        int r = 3 * m + 2;
        words[r] = (long) next << 32 | (words[r] & 0xFFFFFFFFL);
    }

    /** @return the message after {@code m} in its mailbox queue, as set by {@link #setNext} */
    int next(int m) {
        return (int) (words[3 * m + 2] >>> 32);
    }

    /** @return the origin word: sender cluster, hops and the held bit */
    int origin(int m) {
        return (int) words[3 * m + 2];
    }

    /** @return the hop count of a message */
    int hops(int m) {
        return origin(m) & HOPS_MASK;
    }

    /** @return the sender's cluster of a message */
    int fromCluster(int m) {
        return origin(m) >>> 12 & 0x3FFFF;
    }

    /**
     * Marks a message as held at a partition.
     *
     * @return true the first time
     */
    boolean markHeld(int m) {
        long w = words[3 * m + 2];
        if ((w & HELD) != 0) {
            return false;
        }
        words[3 * m + 2] = w | HELD;
        return true;
    }

    private void grow() {
        int n = capacity * 2;
        if (n > maxSlots) {
            throw new IllegalStateException("more than " + capacity
                    + " messages accepted and not received: the simulation is out of message slots");
        }
        refs = Arrays.copyOf(refs, 3 * n);
        words = Arrays.copyOf(words, 3 * n);
        capacity = n;
    }
}
