package dev.manycore.messaging.internal.sim;

import java.util.Arrays;

/**
 * The pending events of a simulation, ordered by (virtual time, sequence number): a 4-ary min-heap
 * whose keys live inline in primitive arrays, so an event is 20 bytes of array slots and no object
 * (the classic discrete-event calendar, done as an implicit d-ary heap: LaMarca and Ladner, "The
 * influence of caches on the performance of heaps", 1996, for why d = 4 beats a binary heap).
 *
 * <pre>
 *   slot i:  keys[2i] time (long), keys[2i+1] sequence (long), refs[i] (int: payload index &lt;&lt; 3 | kind)
 *   children of i: 4i+1 .. 4i+4 (their keys: 64 contiguous bytes, one cache line when aligned);
 *   parent of i: (i-1) / 4
 * </pre>
 *
 * <p>The sequence number is assigned at {@link #push} from a counter, so two events of one time
 * come out in the order they were scheduled: that tie-break is what makes a run a function of its
 * inputs and nothing else. The reference is opaque to the queue.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
public final class EventQueue {

    private long[] keys;
    private int[] refs;
    private int size;
    private long nextSeq;
    private int peak;

    /**
     * @param initialCapacity slots allocated up front, 1 or more (the queue grows by doubling)
     */
    public EventQueue(int initialCapacity) {
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initial capacity " + initialCapacity + " is not positive");
        }
        keys = new long[2 * initialCapacity];
        refs = new int[initialCapacity];
    }

    /**
     * Schedules an event.
     *
     * @param time the virtual time, in nanoseconds
     * @param ref  the event's reference (kind and payload index), opaque to the queue
     */
    public void push(long time, int ref) {
        if (size == refs.length) {
            grow();
        }
        long seq = nextSeq++;
        int i = size++;
        if (size > peak) {
            peak = size;
        }
        long[] k = keys;
        int[] r = refs;
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            long pt = k[2 * parent];
            if (pt < time || (pt == time && k[2 * parent + 1] < seq)) {
                break;
            }
            k[2 * i] = pt;
            k[2 * i + 1] = k[2 * parent + 1];
            r[i] = r[parent];
            i = parent;
        }
        k[2 * i] = time;
        k[2 * i + 1] = seq;
        r[i] = ref;
    }

    /** @return a fresh sequence number for an event kept in another queue (ties are broken across both) */
    long nextSequence() {
        return nextSeq++;
    }

    /** @return the sequence number of the earliest event; only when not empty */
    long peekSeq() {
        return keys[1];
    }

    /** @return true when no event is pending */
    public boolean isEmpty() {
        return size == 0;
    }

    /** @return the number of pending events */
    public int size() {
        return size;
    }

    /** @return the most events ever pending at once */
    public int peak() {
        return peak;
    }

    /** @return the time of the earliest event; only when not empty */
    public long peekTime() {
        return keys[0];
    }

    /** @return the reference of the earliest event; only when not empty */
    public int peekRef() {
        return refs[0];
    }

    /** Removes the earliest event (read it first with {@link #peekTime()} and {@link #peekRef()}); only when not empty. */
    public void removeFirst() {
        int n = --size;
        if (n == 0) {
            return;
        }
        long[] k = keys;
        int[] r = refs;
        long time = k[2 * n];
        long seq = k[2 * n + 1];
        int ref = r[n];
        int i = 0;
        while (true) {
            int first = (i << 2) + 1;
            if (first >= n) {
                break;
            }
            int best = HeapKeys.minChild(k, first, n);
            long bt = k[2 * best];
            long bs = k[2 * best + 1];
            if (time < bt || (time == bt && seq < bs)) {
                break;
            }
            k[2 * i] = bt;
            k[2 * i + 1] = bs;
            r[i] = r[best];
            i = best;
        }
        k[2 * i] = time;
        k[2 * i + 1] = seq;
        r[i] = ref;
    }

    /** @return bytes of array slots per event: two longs and an int */
    public static int bytesPerSlot() {
        return 2 * Long.BYTES + Integer.BYTES;
    }

    /** @return the allocated slots */
    public int capacity() {
        return refs.length;
    }

    private void grow() {
        int n = refs.length * 2;
        if (n < 0 || 2L * n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("event queue cannot grow beyond " + refs.length + " events");
        }
        keys = Arrays.copyOf(keys, 2 * n);
        refs = Arrays.copyOf(refs, n);
    }
}
