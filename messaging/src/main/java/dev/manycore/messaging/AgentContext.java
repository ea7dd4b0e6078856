package dev.manycore.messaging;

import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

/**
 * All an agent may use of its engine: its address and core, the topology, the time, sending by
 * address or by name, receiving, channels and wake-up requests. The threaded engine implements it
 * with host threads and the host clock; the simulated engine will implement it in virtual time, so
 * agent code and the fleets built on it do not change.
 *
 * <p>Thread-safety: confined to the agent's thread; call it only from the agent's methods.
 */
public interface AgentContext {

    /** @return the address of this agent's mailbox */
    Address address();

    /** @return the simulated core the agent runs on */
    CoreId core();

    /** @return the machine */
    Topology topology();

    /** @return the current time of the engine's clock, in nanoseconds */
    long now();

    /**
     * Sends with correlation id 0.
     *
     * @see #send(Address, Object, long)
     */
    default SendStatus send(Address to, Object payload) {
        return send(to, payload, 0L);
    }

    /**
     * Sends to a mailbox, through a channel while one is open to it. Never blocks.
     *
     * @param to            the destination
     * @param payload       an immutable message
     * @param correlationId pairs a reply with its request; 0 when unused
     * @return DELIVERED, FULL (retry later), CLOSED (no such mailbox, or it closed) or DENIED
     */
    SendStatus send(Address to, Object payload, long correlationId);

    /**
     * Sends to a name: resolves it through this core's {@link NameCache} (asking the engine's
     * {@link NameResolver} on a miss); a CLOSED answer invalidates the cached entry and the name is
     * resolved and sent to once more.
     *
     * @param to            the destination's name
     * @param payload       an immutable message
     * @param correlationId pairs a reply with its request; 0 when unused
     * @return the outcome of the last attempt
     * @throws NameNotBoundException if the resolver knows no mailbox for the name
     */
    SendStatus send(Name to, Object payload, long correlationId);

    /**
     * Hands up to {@code limit} received messages to {@code handler} (see {@link Endpoint#receive}).
     * Name-cache invalidations addressed to this core are applied on the way and not handed over.
     *
     * @param handler receives each message through a reused view
     * @param limit   the most messages, 1 or more
     * @return the number handed over
     */
    int receive(MessageHandler<Object> handler, int limit);

    /**
     * Opens a channel to a destination this agent talks to often; see {@link Endpoint#openChannel}.
     *
     * @param to the destination, not this agent
     * @return DELIVERED when the channel is in use; otherwise nothing changed
     */
    SendStatus openChannel(Address to);

    /**
     * Closes the channel to a destination; later sends go through its mailbox, in order.
     *
     * @param to the destination
     * @throws IllegalStateException if no channel is open to it
     */
    void closeChannel(Address to);

    /**
     * Asks to be run again no later than {@code time} even if no message arrives (the basis of
     * timers). The request is dropped once that time has passed.
     *
     * @param time a time of {@link #now()}'s clock
     */
    void wakeAt(long time);

    /** @return the name cache of this agent's core */
    NameCache nameCache();
}
