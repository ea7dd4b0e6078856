package dev.manycore.messaging;

import dev.manycore.numa.CoreId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;

/**
 * Runs agents bound to simulated cores and delivers their messages. Two implementations share this
 * contract: the {@link ThreadedEngine} (host threads, host clock) and the simulated engine (one host
 * thread, virtual time). Code above the engine sees only {@link AgentContext}, so it
 * never starts a thread or reads the wall clock and runs unchanged on both.
 *
 * <p>Life cycle: {@link #spawn} agents (before or after {@link #start()}), {@link #start()}, then
 * {@link #shutdown()} (or {@link #close()}), which stops the agents, counts what was left
 * undelivered and releases every thread. Thread-safe.
 */
public interface Engine extends AutoCloseable {

    /** @return the machine the agents run on */
    Topology topology();

    /** @return the cost model used for traffic energy (and, in simulation, for time) */
    CostModel costModel();

    /** @return the engine's clock, the one {@link AgentContext#now()} reads */
    Clock clock();

    /**
     * Places a new agent with its own mailbox on a core. Its mailbox exists (and accepts messages)
     * as soon as this returns; the factory runs later, on the thread that will run the agent.
     *
     * @param core    a core of the topology
     * @param factory creates the agent from its context
     * @return the address of the agent's mailbox
     * @throws IllegalArgumentException if the core is not in the topology
     * @throws IllegalStateException    if the engine is shut down
     */
    Address spawn(CoreId core, AgentFactory factory);

    /**
     * Sends a message from outside the engine (a user thread, a test, a benchmark) to an agent's
     * mailbox, as if {@code from} sent it. Meant for the edges of the system, not for agents (which
     * use their context): each call obtains a fresh right, and the message is not counted in
     * {@link #traffic()}. Thread-safe.
     *
     * @param from          the sender address written into the envelope
     * @param to            the destination
     * @param payload       an immutable message
     * @param correlationId pairs a reply with its request; 0 when unused
     * @return DELIVERED, FULL, or CLOSED when no live mailbox has that address
     */
    SendStatus inject(Address from, Address to, Object payload, long correlationId);

    /**
     * Stops one agent for good and closes its mailbox (a process that exits, a client that is
     * done): the engine stops calling its {@link Agent#doWork()}, calls {@link Agent#onClose()} once
     * on the agent's thread, closes the mailbox so later sends answer {@link SendStatus#CLOSED}, and
     * discards what was left in it. The rest of the engine is unaffected. Idempotent per address.
     *
     * @param address the mailbox of an agent spawned on this engine
     * @return completes, once the agent no longer runs, with the number of messages discarded (0
     *         for an address already retired)
     * @throws IllegalArgumentException if no agent of this engine ever had that address
     * @throws IllegalStateException    if the engine is shut down
     */
    java.util.concurrent.CompletableFuture<Long> retire(Address address);

    /**
     * Waits until {@code future} is done or {@code timeoutNanos} of this engine's {@link #clock()}
     * have passed: the one way for code that is not an agent (a user thread, a fleet's blocking
     * client stub, the thread that boots a kernel) to wait for something agents complete, so that the
     * same blocking code runs on both engines.
     * <ul>
     *   <li>This default (the {@link ThreadedEngine}): the calling thread blocks on the future, the
     *       timeout in host time; an interrupt ends the wait.</li>
     *   <li>The {@link SimulatedEngine} waits in virtual time: a {@linkplain SimulatedEngine#spawnProgram
     *       program} thread hands control back to the engine until the future completes; any other
     *       thread drives the simulation until it does; a wait from inside a run (an agent's duty
     *       cycle, a scripted action) is refused because it could never end.</li>
     * </ul>
     * A future that completed exceptionally counts as done: read its outcome afterwards.
     *
     * @param future       the future, completed by agents (or already done)
     * @param timeoutNanos the most time to wait, 0 or more ({@link Long#MAX_VALUE}: no limit)
     * @return true when the future is done, false when the timeout passed first
     * @throws InterruptedException     if the waiting thread was interrupted
     * @throws IllegalArgumentException if the timeout is negative
     * @throws IllegalStateException    if waiting here could never end (see the implementation)
     */
    default boolean await(java.util.concurrent.CompletableFuture<?> future, long timeoutNanos)
            throws InterruptedException {
        java.util.Objects.requireNonNull(future, "future is null");
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("wait of " + timeoutNanos + " ns is negative");
        }
        try {
            future.get(timeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        }
        return true;
    }

    /**
     * Waits as {@link #await} does, but an interrupt does not end the wait (as
     * {@link java.util.concurrent.CompletableFuture#join()}): the thread's interrupt status is set
     * again when it returns.
     *
     * @param future       the future, completed by agents (or already done)
     * @param timeoutNanos the most time to wait by this engine's clock, 0 or more ({@link Long#MAX_VALUE}: no limit)
     * @return true when the future is done, false when the timeout passed first
     */
    default boolean awaitUninterruptibly(java.util.concurrent.CompletableFuture<?> future, long timeoutNanos) {
        java.util.Objects.requireNonNull(future, "future is null");
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("wait of " + timeoutNanos + " ns is negative");
        }
        Clock clock = clock();
        long end = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : clock.nanos() + timeoutNanos;
        boolean interrupted = false;
        boolean done;
        while (true) {
            try {
                long left = end == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, end - clock.nanos());
                done = await(future, left);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return done;
    }

    /**
     * Starts running the agents. Idempotent.
     *
     * @throws IllegalStateException if the engine is shut down
     */
    void start();

    /** @return the traffic so far, merged from per-worker counters; exact once the engine is shut down */
    TrafficSnapshot traffic();

    /**
     * Stops every agent, closes every mailbox, counts and discards the messages left in them, and
     * releases the engine's threads. Idempotent: later calls return the first report.
     *
     * @return what was left undelivered
     */
    ShutdownReport shutdown();

    /** Same as {@link #shutdown()}. */
    @Override
    default void close() {
        shutdown();
    }
}
