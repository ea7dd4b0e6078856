package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;

/**
 * The message that the simulation is handing over, as the envelope view of its handlers reads it:
 * the simulated counterpart of a mailbox ring's slot. One per simulation, with one view over it
 * ({@code Envelope}, made once): {@link Delivery#receive} sets it before each handler call, so a
 * hand-over allocates nothing and touches two objects that stay in the cache whichever of the
 * agents receives. A view is valid only during its handler call, as the threaded engine's are;
 * {@code Envelope.detach()} copies it.
 *
 * <p>Not thread-safe: owned by the simulation's host thread.
 */
public final class HandOver {

    private Address sender;
    private Address receiver;
    private long correlationId;
    private Object payload;
    private long sendTime;
    private int hops;

    HandOver() {
    }

    void set(Address sender, Address receiver, long correlationId, Object payload, long sendTime, int hops) {
        this.sender = sender;
        this.receiver = receiver;
        this.correlationId = correlationId;
        this.payload = payload;
        this.sendTime = sendTime;
        this.hops = hops;
    }

    /** @return the sender of the message being handed over */
    public Address sender() {
        return sender;
    }

    /** @return its receiver, the agent whose handler is called */
    public Address receiver() {
        return receiver;
    }

    /** @return its correlation id */
    public long correlationId() {
        return correlationId;
    }

    /** @return its payload */
    public Object payload() {
        return payload;
    }

    /** @return its send time, in virtual nanoseconds */
    public long sendTime() {
        return sendTime;
    }

    /** @return its hop count */
    public int hops() {
        return hops;
    }
}
