package dev.manycore.fleets;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Everything a {@link Server} may use (fos paper 3.2; ARCHITECTURE.md "server context"): its
 * address and core, the topology, the engine's time, sending, replying, calls that complete on the
 * server's own thread, timers, a seeded random source, metrics and a logger. It sits on the
 * messaging module's {@link dev.manycore.messaging.AgentContext}, so the threaded engine implements
 * it now and the simulated engine will, with the same server code.
 *
 * <p><b>Thread-safety: confined to the server's thread.</b> Call it only from handlers, timer
 * actions and continuations. Continuations attached with the non-{@code Async} methods of a stage
 * returned by {@link #call} run on the server's thread, because the runtime completes the stage
 * there; use {@link #executor()} for the {@code Async} variants, never the common pool.
 *
 * <p>Sending never drops a message silently: a send that finds the destination's queue full is
 * kept in an outbox (in order, per destination) and retried on the next duty cycle.
 */
public interface ServerContext {

    /** @return this server's mailbox address */
    Address address();

    /** @return the core the server runs on */
    CoreId core();

    /** @return the cluster of {@link #core()} */
    ClusterId cluster();

    /** @return the machine */
    Topology topology();

    /** @return the engine's time in nanoseconds (host clock or virtual time) */
    long now();

    /**
     * Sends a one-way message (correlation id 0).
     *
     * @param to      the destination
     * @param payload an immutable message
     * @return DELIVERED (or queued in the outbox after FULL: also reported DELIVERED), CLOSED or
     *         DENIED; FULL when the outbox already holds its bound of messages for that
     *         destination (the message is not sent)
     */
    SendStatus send(Address to, Object payload);

    /**
     * Answers a request.
     *
     * @param caller the request's caller
     * @param reply  an immutable reply
     */
    void reply(Caller caller, Object reply);

    /**
     * Answers a request with an error reply carrying the exception's type and message.
     *
     * @param caller  the request's caller
     * @param failure what went wrong
     */
    void replyError(Caller caller, Throwable failure);

    /**
     * Forwards a request to another server, which answers the original caller directly (routing by
     * resource affinity, fos report 4.7.2; redirection of a departed member).
     *
     * @param to      the server that should handle it
     * @param request the request
     * @param caller  its original caller
     */
    void forward(Address to, Object request, Caller caller);

    /**
     * Calls another server. The stage completes on this server's thread with the reply; with
     * {@link CallTimeoutException} if none arrives within {@code timeout}; with
     * {@link RemoteFailureException} if the handler failed; with {@link UndeliverableException} if
     * the destination is closed.
     *
     * @param to      the destination
     * @param request the request
     * @param timeout how long to wait, positive
     * @param <R>     the response type
     * @return the reply stage
     */
    <R> CompletionStage<R> call(Address to, Request<R> request, Duration timeout);

    /**
     * Untyped variant of {@link #call(Address, Request, Duration)} for messages that are not
     * {@link Request}s.
     *
     * @param to        the destination
     * @param request   the request
     * @param timeoutNs how long to wait, in nanoseconds, positive
     * @return the reply stage
     */
    CompletionStage<Object> callUntyped(Address to, Object request, long timeoutNs);

    /**
     * Runs an action once after a delay, on this server's thread.
     *
     * @param delayNs the delay in nanoseconds of the engine's clock, 0 or more
     * @param action  what to run
     * @return a handle to cancel it
     */
    ScheduledTimer schedule(long delayNs, Runnable action);

    /**
     * Runs an action every {@code periodNs}, first after one period, on this server's thread.
     *
     * @param periodNs the period in nanoseconds, positive
     * @param action   what to run
     * @return a handle to cancel it
     */
    ScheduledTimer every(long periodNs, Runnable action);

    /** @return an executor that runs tasks on this server's thread, after the current handler */
    Executor executor();

    /** @return this server's seeded random source */
    SeededRandom random();

    /** @return this server's counters */
    ServerMetrics metrics();

    /** @return a logger named after the server's role */
    Logger logger();

    /** @return the name cache of this server's core (filled by name lookups; invalidated by the name service) */
    NameCache nameCache();
}
