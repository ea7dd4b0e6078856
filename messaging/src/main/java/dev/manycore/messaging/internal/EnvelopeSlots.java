package dev.manycore.messaging.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The slot storage of the two envelope rings, {@link MpscEnvelopeRing} and {@link Channel}, laid out
 * as a struct of arrays so that the one array both sides write, the payloads, is as dense as a
 * JCTools queue's buffer (one reference per slot: 16 slots per 64-byte line with compressed oops).
 * The header words are written by the producer only and read by the consumer only when a handler
 * asks for them, so a receiver that reads just the payload never pulls their lines across cores.
 *
 * <pre>
 *   payloads (Object[capacity])   headers (long[2 * capacity])
 *   +---------+---------+----     +-------------+----------+----
 *   | payload | payload | ...     | correlation | sendTime | ...
 *   +---------+---------+----     +-------------+----------+----
 *     slot s = index &amp; mask: payloads[s], headers[2s], headers[2s+1], plus the ring's tag of s
 *     (a channel uses the send-time word of its time marks only, see Channel)
 * </pre>
 *
 * <p>Memory ordering is the subclass's: a producer writes the header with plain stores before the
 * release store of the payload; a consumer reads the header only after an acquire load of the
 * payload found it published. The read accessors are for the consumer thread, on a slot it has
 * found published and not yet consumed.
 */
public abstract class EnvelopeSlots {

    static final VarHandle PAYLOADS = MethodHandles.arrayElementVarHandle(Object[].class);

    final int mask;
    final Object[] payloads;
    final long[] headers;

    /**
     * @param capacity a power of two, validated by the caller
     */
    EnvelopeSlots(int capacity) {
        this.mask = capacity - 1;
        this.payloads = new Object[capacity];
        this.headers = new long[2 * capacity];
    }

    /** @return the fixed number of slots */
    public final int capacity() {
        return mask + 1;
    }

    /** @param slot a published slot @return its payload */
    public final Object payloadAt(int slot) {
        return payloads[slot];
    }

    /** @param slot a published slot @return its correlation id */
    public final long correlationAt(int slot) {
        return headers[slot << 1];
    }

    /**
     * @param slot a published slot, during its hand-over to the consumer
     * @return its send time: stored per slot in a mailbox, per change of send time in a channel
     */
    public long sendTimeAt(int slot) {
        return sendTimeWord(slot);
    }

    /** @param slot a published slot @return the send-time word stored in it */
    final long sendTimeWord(int slot) {
        return headers[(slot << 1) + 1];
    }

    /**
     * @param slot a published slot
     * @return the sender's tag (its send right): stored per slot in a mailbox, fixed for a channel
     */
    public abstract Object tagAt(int slot);

    /**
     * Producer, on a slot it owns, before publishing the payload: both header words, plain stores.
     * (Storing a word only when it differs from the slot's value of a lap ago was tried in session
     * 5: it saves the stores of a sender that repeats its headers, but the load before each store
     * made a request/reply round trip on the threaded engine, whose headers change at every
     * message, about 30 ns slower: messaging/NOTES.md.)
     */
    final void writeHeader(int slot, long correlation, long sendTime) {
        final long[] h = headers;
        final int i = slot << 1;
        h[i] = correlation;
        h[i + 1] = sendTime;
    }

    /** Producer, on a slot it owns, before publishing it: the correlation word, stored as is. */
    final void writeCorrelation(int slot, long correlation) {
        headers[slot << 1] = correlation;
    }

    /** Producer, on a slot it owns, before publishing it: the send-time word, stored as is. */
    final void writeSendTime(int slot, long sendTime) {
        headers[(slot << 1) + 1] = sendTime;
    }
}
