package dev.manycore.messaging;

/**
 * A message with its header: sender, receiver, correlation id, payload, send time, hop count (fos
 * paper 3.1.1; ARCHITECTURE.md "Envelope").
 *
 * <p>Two kinds of instances exist. A <em>view</em> is what a drain hands to its
 * {@link MessageHandler}: one object per mailbox, refilled from the queue slot for every message,
 * so a received message allocates nothing; it is valid only during the handler call and only on
 * the receiving thread. A <em>detached</em> envelope ({@link #detach()}, {@link Mailbox#poll()}) is
 * an immutable copy that may be kept and shared. {@link #isDetached()} tells which.
 *
 * @param <T> the payload type
 */
public final class Envelope<T> {

    private final boolean detached;
    private Address sender;
    private Address receiver;
    private long correlationId;
    private T payload;
    private long sendTime;
    private int hops;

    private Envelope(boolean detached) {
        this.detached = detached;
    }

    /** @return a view to be filled by a mailbox or endpoint on the receiving thread */
    static <T> Envelope<T> view() {
        return new Envelope<>(false);
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
        Envelope<T> e = new Envelope<>(true);
        e.fill(sender, receiver, correlationId, payload, sendTime, hops);
        return e;
    }

    void fill(Address sender, Address receiver, long correlationId, T payload, long sendTime, int hops) {
        this.sender = sender;
        this.receiver = receiver;
        this.correlationId = correlationId;
        this.payload = payload;
        this.sendTime = sendTime;
        this.hops = hops;
    }

    void clear() {
        this.payload = null;
        this.sender = null;
    }

    /** @return the address of the sender, the holder of the send right used */
    public Address sender() {
        return sender;
    }

    /** @return the address of the receiving mailbox */
    public Address receiver() {
        return receiver;
    }

    /** @return the correlation id that pairs a reply with its request; 0 when unused */
    public long correlationId() {
        return correlationId;
    }

    /** @return the message */
    public T payload() {
        return payload;
    }

    /** @return when the message was sent, in the engine's {@link Clock} (nanoseconds) */
    public long sendTime() {
        return sendTime;
    }

    /** @return the hop distance between the sender's and the receiver's clusters */
    public int hops() {
        return hops;
    }

    /** @return true for an immutable copy, false for a mailbox's reusable view */
    public boolean isDetached() {
        return detached;
    }

    /** @return this envelope if it is detached, else an immutable copy of the view's current content */
    public Envelope<T> detach() {
        return detached ? this : of(sender, receiver, correlationId, payload, sendTime, hops);
    }

    @Override
    public String toString() {
        return "Envelope[" + sender + " -> " + receiver + ", corr " + correlationId + ", t " + sendTime
                + ", " + hops + " hops: " + payload + "]";
    }
}
