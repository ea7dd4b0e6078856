package dev.manycore.messaging;

import dev.manycore.messaging.internal.EnvelopeSlots;
import dev.manycore.messaging.internal.sim.HandOver;

/**
 * A message with its header: sender, receiver, correlation id, payload, send time, hop count (fos
 * paper 3.1.1; ARCHITECTURE.md "Envelope").
 *
 * <p>Two kinds of instances exist. A <em>view</em> is what a drain hands to its
 * {@link MessageHandler}: a flyweight over the queue slot of the current message (one view per
 * mailbox or channel, repointed with an int per message), so receiving copies nothing, allocates
 * nothing and writes no reference; it is valid only during the handler call and only on the
 * receiving thread. A <em>detached</em> envelope ({@link #detach()}, {@link Mailbox#poll()}) is an
 * immutable copy that may be kept and shared. {@link #isDetached()} tells which. The simulated
 * engine's view reads the message being handed over from the simulation (one view per simulation,
 * the same contract).
 *
 * @param <T> the payload type
 */
public final class Envelope<T> {

    private final EnvelopeSlots slots;
    /** The simulation's current hand-over, for a simulated engine's view; null otherwise. */
    private final HandOver handOver;
    private final Address receiver;
    private final Address sender;
    private final long correlationId;
    private final T payload;
    private final long sendTime;
    private final int hops;
    private int slot = -1;

    private Envelope(EnvelopeSlots slots, HandOver handOver, Address receiver, Address sender, long correlationId,
                     T payload, long sendTime, int hops) {
        this.slots = slots;
        this.handOver = handOver;
        this.receiver = receiver;
        this.sender = sender;
        this.correlationId = correlationId;
        this.payload = payload;
        this.sendTime = sendTime;
        this.hops = hops;
    }

    /**
     * @param slots    the mailbox's ring or an inbound channel; each slot's tag is the sender's right
     * @param receiver the receiving mailbox's address
     * @return a view over the slots, for the receiving thread
     */
    static <T> Envelope<T> view(EnvelopeSlots slots, Address receiver) {
        return new Envelope<>(slots, null, receiver, null, 0, null, 0, 0);
    }

    /**
     * @param handOver the simulation's current hand-over, which the simulation sets before each handler call
     * @return the simulation's view, for its host thread
     */
    static <T> Envelope<T> view(HandOver handOver) {
        return new Envelope<>(null, handOver, null, null, 0, null, 0, 0);
    }

    /**
     * @param sender        the sending mailbox's address
     * @param receiver      the receiving mailbox's address
     * @param correlationId the id that pairs a reply with its request, 0 when unused
     * @param payload       the message, not null
     * @param sendTime      the send time in the engine's clock
     * @param hops          hop distance from sender to receiver, 0 or more
     * @return an immutable envelope
     */
    public static <T> Envelope<T> of(Address sender, Address receiver, long correlationId, T payload,
                                     long sendTime, int hops) {
        if (payload == null) {
            throw new NullPointerException("payload is null: every message carries a payload");
        }
        if (hops < 0) {
            throw new IllegalArgumentException("hops " + hops + " is negative: a distance is 0 or more");
        }
        return new Envelope<>(null, null, receiver, sender, correlationId, payload, sendTime, hops);
    }

    /** Points a view at the slot of the message being handed over. */
    void at(int slot) {
        this.slot = slot;
    }

    /** @return the address of the sender, the holder of the send right used */
    public Address sender() {
        return slots != null ? ((SendRight<?>) slots.tagAt(slot)).holder() : handOver != null ? handOver.sender() : sender;
    }

    /** @return the address of the receiving mailbox */
    public Address receiver() {
        return handOver == null ? receiver : handOver.receiver();
    }

    /** @return the correlation id that pairs a reply with its request; 0 when unused */
    public long correlationId() {
        return slots != null ? slots.correlationAt(slot) : handOver != null ? handOver.correlationId() : correlationId;
    }

    /** @return the message */
    @SuppressWarnings("unchecked")
    public T payload() {
        return slots != null ? (T) slots.payloadAt(slot) : handOver != null ? (T) handOver.payload() : payload;
    }

    /** @return when the message was sent, in the engine's {@link Clock} (nanoseconds) */
    public long sendTime() {
        return slots != null ? slots.sendTimeAt(slot) : handOver != null ? handOver.sendTime() : sendTime;
    }

    /** @return the hop distance between the sender's and the receiver's clusters */
    public int hops() {
        return slots != null ? ((SendRight<?>) slots.tagAt(slot)).hops() : handOver != null ? handOver.hops() : hops;
    }

    /** @return true for an immutable copy, false for a receiver's reusable view */
    public boolean isDetached() {
        return slots == null && handOver == null;
    }

    /** @return this envelope if it is detached, else an immutable copy of the view's current message */
    public Envelope<T> detach() {
        return isDetached() ? this : of(sender(), receiver(), correlationId(), payload(), sendTime(), hops());
    }

    @Override
    public String toString() {
        return "Envelope[" + sender() + " -> " + receiver() + ", corr " + correlationId() + ", t " + sendTime()
                + ", " + hops() + " hops: " + payload() + "]";
    }
}
