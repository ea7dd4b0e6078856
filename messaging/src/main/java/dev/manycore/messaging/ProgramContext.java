package dev.manycore.messaging;

import dev.manycore.numa.CoreId;

/**
 * The system calls of a {@link BlockingProgram} in the {@link SimulatedEngine}: the hook on which
 * the kernel's {@code Syscalls} run in virtual time (issue 8, "user programs with blocking syscalls
 * ... run in virtual time").
 *
 * <p><b>How a blocking program runs in virtual time.</b> The program runs on its own (virtual)
 * thread, but never at the same time as the engine: the engine hands control to the program in the
 * duty cycle of the program's agent and waits; the program runs until its next blocking call
 * ({@link #call}, {@link #receive}), which hands control back. So exactly one thread runs at a time,
 * in an order fixed by virtual time, and the run stays deterministic. Virtual time does not move
 * while the program computes: it advances by what the program declares with {@link #compute}, by
 * each send ({@code sendNanos}) and by each message it receives (its service time), like an agent.
 *
 * <p>Besides {@link #call} and {@link #receive}, a program may wait for any future that agents
 * complete with {@link SimulatedEngine#await} (what the fleets' blocking client stubs and the
 * kernel's syscalls do, through {@link Engine#await}): it hands control back in the same way and
 * resumes at the virtual time the future was completed. {@link SimulatedEngine#interruptProgram}
 * ends such a wait, in virtual time.
 *
 * <p><b>Rules</b>, because the engine cannot see inside the program: block only through this
 * context (no locks shared with other threads, no {@code sleep}, no I/O, no futures completed
 * elsewhere), read time only from {@link #now()}, and take randomness from a seed. A program that
 * does not reach its next call within the engine's hand-off timeout of host time is stopped and its
 * agent crashed, with an error that says so: it never hangs the simulation silently.
 *
 * <p>Thread-safety: only the program's own thread may call these methods.
 */
public interface ProgramContext {

    /** @return the address of the program's mailbox */
    Address address();

    /** @return the core the program runs on */
    CoreId core();

    /** @return the program's virtual time, in nanoseconds */
    long now();

    /**
     * Sends without waiting (see {@link AgentContext#send(Address, Object, long)}).
     *
     * @param to            the destination
     * @param payload       an immutable message
     * @param correlationId pairs a reply with its request; 0 when unused
     * @return DELIVERED, FULL, CLOSED
     */
    SendStatus send(Address to, Object payload, long correlationId);

    /**
     * Sends a request with a fresh correlation id and blocks, in virtual time, until the reply
     * with that id arrives (other messages arriving meanwhile are kept for {@link #receive}).
     *
     * @param to           the service
     * @param request      an immutable message
     * @param timeoutNanos how long to wait, 1 or more
     * @return the reply, or null when the send was refused (FULL, CLOSED) or the timeout passed
     */
    Envelope<Object> call(Address to, Object request, long timeoutNanos);

    /**
     * Blocks, in virtual time, until a message arrives.
     *
     * @param timeoutNanos how long to wait, 0 or more (0: only what has already arrived)
     * @return the oldest message not yet taken, or null at the timeout
     */
    Envelope<Object> receive(long timeoutNanos);

    /**
     * Declares computation: the program's core is busy for {@code nanos} of virtual time.
     *
     * @param nanos 0 or more
     */
    void compute(long nanos);
}
