package dev.manycore.messaging.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-producer, single-consumer ring between two endpoints that talk often: the user-space
 * fast path of Barrelfish URPC that fos report 4.2 lists beside the kernel mailbox. One sender, one
 * receiver, no claim CAS and no right check per slot; a slot is published by a store of its payload
 * and freed by a store of null (the FastFlow / JCTools {@code SpscArrayQueue} scheme), so producer
 * and consumer never read each other's index.
 *
 * <pre>
 *   refs  (Object[capacity])   words (long[2 * capacity])
 *   +---------+----            +-------------+----------+----
 *   | payload | ...            | correlation | sendTime | ...
 *   +---------+----            +-------------+----------+----
 *   one slot is kept free for the CLOSE marker: data is FULL when slot (p + 1) is still taken
 * </pre>
 *
 * <p>Linearisation points: a send at the volatile store of its payload; a take at the release store
 * of null into its slot; the close at the volatile store of {@link #CLOSE}. The payload store is
 * volatile, not just release, because it is the sender's half of the {@link
 * dev.manycore.messaging.Doorbell} handshake (a store that must precede the load of the receiver's
 * parked state).
 *
 * <p>Thread-safety: {@link #offer}, {@link #closeForSending()} from the producer thread only;
 * {@link #take()}, {@link #hasInput()} from the consumer thread only.
 */
public final class Channel {

    /** The marker that ends a channel: the last element the producer ever writes. */
    public static final Object CLOSE = new Object() {
        @Override
        public String toString() {
            return "CLOSE";
        }
    };

    private static final VarHandle REFS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Object sender;
    private final int mask;
    private final Object[] refs;
    private final long[] words;
    private final dev.manycore.messaging.Doorbell doorbell;
    /** Producer-local. */
    private long producerIndex;
    private boolean producerClosed;
    /** Consumer-local. */
    private long consumerIndex;
    private boolean finished;
    /** Consumer only: header of the element returned by the last take. */
    public long takenCorrelation;
    /** Consumer only: header of the element returned by the last take. */
    public long takenSendTime;

    /**
     * @param sender   the producer's tag (its send right), identifies the channel's sender at the receiver
     * @param capacity a power of two, 2 or more, validated by the caller
     * @param doorbell the receiver's doorbell, rung after each publish; null for none
     */
    public Channel(Object sender, int capacity, dev.manycore.messaging.Doorbell doorbell) {
        this.sender = sender;
        this.mask = capacity - 1;
        this.refs = new Object[capacity];
        this.words = new long[2 * capacity];
        this.doorbell = doorbell;
    }

    /** @return the tag of the producer */
    public Object sender() {
        return sender;
    }

    /** @return the number of slots, one of which is kept for the close marker */
    public int capacity() {
        return mask + 1;
    }

    /**
     * Producer only.
     *
     * @param payload     not null
     * @param correlation the correlation id
     * @param sendTime    the send time
     * @return true if published, false if full (nothing written)
     */
    public boolean offer(Object payload, long correlation, long sendTime) {
        long p = producerIndex;
        if (REFS.getAcquire(refs, (int) (p + 1) & mask) != null) {
            return false;
        }
        int slot = (int) p & mask;
        words[slot << 1] = correlation;
        words[(slot << 1) + 1] = sendTime;
        REFS.setVolatile(refs, slot, payload);
        producerIndex = p + 1;
        if (doorbell != null) {
            doorbell.ring();
        }
        return true;
    }

    /**
     * Producer only: writes the close marker into the slot kept free for it. Idempotent.
     */
    public void closeForSending() {
        if (producerClosed) {
            return;
        }
        producerClosed = true;
        long p = producerIndex;
        REFS.setVolatile(refs, (int) p & mask, CLOSE);
        producerIndex = p + 1;
        if (doorbell != null) {
            doorbell.ring();
        }
    }

    /**
     * Consumer only. Takes the next element; after the {@link #CLOSE} marker the channel is
     * {@link #isFinished() finished} and returns null forever.
     *
     * @return the payload, {@link #CLOSE} once, or null when empty
     */
    public Object take() {
        if (finished) {
            return null;
        }
        long c = consumerIndex;
        int slot = (int) c & mask;
        Object payload = REFS.getAcquire(refs, slot);
        if (payload == null) {
            return null;
        }
        takenCorrelation = words[slot << 1];
        takenSendTime = words[(slot << 1) + 1];
        REFS.setRelease(refs, slot, null);
        consumerIndex = c + 1;
        if (payload == CLOSE) {
            finished = true;
        }
        return payload;
    }

    /**
     * Consumer only: locates the next published element without taking it, to be read in place
     * ({@link #payloadAt}, {@link #correlationAt}, {@link #sendTimeAt}) and then taken with
     * {@link #consume(int)}.
     *
     * @return the slot, or -1 when empty or finished
     */
    public int peekSlot() {
        if (finished) {
            return -1;
        }
        int slot = (int) consumerIndex & mask;
        return REFS.getAcquire(refs, slot) == null ? -1 : slot;
    }

    /** @param slot from {@link #peekSlot()} @return its payload, or {@link #CLOSE} */
    public Object payloadAt(int slot) {
        return refs[slot];
    }

    /** @param slot from {@link #peekSlot()} @return its correlation id */
    public long correlationAt(int slot) {
        return words[slot << 1];
    }

    /** @param slot from {@link #peekSlot()} @return its send time */
    public long sendTimeAt(int slot) {
        return words[(slot << 1) + 1];
    }

    /**
     * Consumer only: takes the element found by {@link #peekSlot()} and frees its slot for the
     * producer (release store of null). Taking {@link #CLOSE} finishes the channel.
     *
     * @param slot from {@link #peekSlot()}
     */
    public void consume(int slot) {
        if (refs[slot] == CLOSE) {
            finished = true;
        }
        REFS.setRelease(refs, slot, null);
        consumerIndex++;
    }

    /** @return consumer only: true once the close marker was taken */
    public boolean isFinished() {
        return finished;
    }

    /** @return consumer only: true when an element is published and not taken (volatile read) */
    public boolean hasInput() {
        return !finished && REFS.getVolatile(refs, (int) consumerIndex & mask) != null;
    }
}
