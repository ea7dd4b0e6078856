package dev.manycore.fleets;

import dev.manycore.fleets.internal.ClientGateway;
import dev.manycore.fleets.internal.ServerControl;
import dev.manycore.fleets.internal.ServerRuntime;
import dev.manycore.fleets.internal.Wake;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.numa.CoreId;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The client side for code that is not a server (user threads, tests, benchmarks): a gateway
 * agent on a chosen core that sends requests, receives replies and completes futures (fos paper
 * 3.2: libfos turns a system call into messages). Typed client stubs of fleets are built on it.
 *
 * <p>Futures complete on the gateway's engine thread: wait for them ({@link #callAndWait},
 * {@link #waitFor}, which work on both engines) or attach {@code Async} continuations with an
 * executor of your own; do not run long work in non-{@code Async} continuations, it would stall the
 * engine thread.
 *
 * <p>Thread-safe: any thread may call any method.
 */
public final class Client implements AutoCloseable {

    private final Engine engine;
    private final ClientGateway gateway;
    private final Address address;
    private final CoreId core;
    private volatile boolean closed;

    private Client(Engine engine, CoreId core) {
        this.engine = engine;
        this.core = core;
        this.gateway = new ClientGateway();
        ServerControl control = new ServerControl();
        this.address = engine.spawn(core, ctx -> {
            ServerRuntime runtime = new ServerRuntime(ctx, gateway, core.index(), control);
            runtime.dutyHook(gateway::drain);
            return runtime;
        });
    }

    /**
     * Spawns a client gateway on a core.
     *
     * @param engine the engine, started or not
     * @param core   the core the client's requests come from (locality, name cache)
     * @return the client
     */
    public static Client open(Engine engine, CoreId core) {
        Objects.requireNonNull(engine, "engine is null");
        Objects.requireNonNull(core, "core is null");
        return new Client(engine, core);
    }

    /** @return the gateway's address, the sender of this client's requests */
    public Address address() {
        return address;
    }

    /** @return the client's core */
    public CoreId core() {
        return core;
    }

    /**
     * Runs an operation on the gateway's engine thread with its {@link ServerContext}.
     *
     * @param operation builds a stage from the context; runs on the gateway thread
     * @param <T>       the result type
     * @return completes (on the gateway thread) with the stage's result
     */
    public <T> CompletableFuture<T> execute(Function<ServerContext, CompletionStage<T>> operation) {
        Objects.requireNonNull(operation, "operation is null");
        if (closed) {
            throw new IllegalStateException(this + " is closed: open another client");
        }
        CompletableFuture<T> result = gateway.submit(operation);
        if (closed) {
            // closed concurrently: the gateway may have stopped before this submission arrived
            result.completeExceptionally(new IllegalStateException(this + " was closed during the call"));
            return result;
        }
        // FULL or CLOSED need no retry: a full mailbox means the gateway runs soon anyway.
        engine.inject(address, address, Wake.INSTANCE, 0L);
        return result;
    }

    /**
     * Calls a server.
     *
     * @param to      the server
     * @param request the request
     * @param timeout how long to wait for the reply
     * @param <R>     the response type
     * @return completes with the reply, or with the exceptions of {@link ServerContext#call}
     */
    public <R> CompletableFuture<R> call(Address to, Request<R> request, Duration timeout) {
        Objects.requireNonNull(to, "destination is null");
        Objects.requireNonNull(request, "request is null");
        Objects.requireNonNull(timeout, "timeout is null");
        return execute(ctx -> ctx.call(to, request, timeout));
    }

    /**
     * Calls a server and waits for the reply (for user threads).
     *
     * @param to      the server
     * @param request the request
     * @param timeout how long to wait for the reply
     * @param <R>     the response type
     * @return the reply
     * @throws CallTimeoutException    if no reply came in time
     * @throws RemoteFailureException  if the handler failed
     * @throws UndeliverableException  if the server's mailbox is closed
     */
    public <R> R callAndWait(Address to, Request<R> request, Duration timeout) {
        return waitFor(call(to, request, timeout));
    }

    /**
     * Waits for a future of this client through its engine ({@link Engine#await}), so that the same
     * blocking code runs on both engines: on the threaded engine the calling thread blocks; on the
     * simulated engine a program thread hands control to the engine until the reply, in virtual
     * time, and the driving thread runs the simulation until then. The wait is not ended by an
     * interrupt (as {@link CompletableFuture#join()}): the thread's interrupt status is set again
     * when it returns. The future's own timeout (the call's) ends it.
     *
     * @param future a future completed by agents (a call of this client, say)
     * @param <T>    its type
     * @return its value
     * @throws RuntimeException      the future's failure, unwrapped
     * @throws IllegalStateException if the engine refuses the wait (see {@link Engine#await})
     */
    public <T> T waitFor(CompletableFuture<T> future) {
        waitFor(future, Duration.ofNanos(Long.MAX_VALUE));
        return await(future);
    }

    /**
     * Waits as {@link #waitFor(CompletableFuture)} does, at most {@code limit} of the engine's clock
     * (virtual time on the simulated engine).
     *
     * @param future a future completed by agents
     * @param limit  the longest wait, zero or more
     * @return true when the future is done (read its outcome then), false when the limit passed
     * @throws IllegalArgumentException if the limit is negative
     */
    public boolean waitFor(CompletableFuture<?> future, Duration limit) {
        Objects.requireNonNull(future, "future is null");
        if (Objects.requireNonNull(limit, "limit is null").isNegative()) {
            throw new IllegalArgumentException("wait limit " + limit + " is negative");
        }
        long nanos = limit.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : limit.toNanos();
        return engine.awaitUninterruptibly(future, nanos);
    }

    /**
     * Waits as {@link #waitFor(CompletableFuture)} does, but an interrupt ends the wait.
     *
     * @param future a future completed by agents
     * @param <T>    its type
     * @return its value
     * @throws InterruptedException if the thread was interrupted before or while it waited (on the
     *                              simulated engine, by {@code SimulatedEngine.interruptProgram})
     * @throws RuntimeException     the future's failure, unwrapped
     */
    public <T> T waitForInterruptibly(CompletableFuture<T> future) throws InterruptedException {
        engine.await(Objects.requireNonNull(future, "future is null"), Long.MAX_VALUE);
        return await(future);
    }

    /**
     * Waits for a future by blocking the calling thread ({@link CompletableFuture#join()}) and
     * rethrows its failure unwrapped. Only for the threaded engine: on the simulated engine nothing
     * would run the agents meanwhile: use a client's {@link #waitFor(CompletableFuture)}, which
     * works on both engines.
     *
     * @param future a future
     * @param <T>    its type
     * @return its value
     */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Retires the gateway agent and its mailbox ({@link Engine#retire}): calls still waiting fail
     * with {@link UndeliverableException}, operations not yet run with {@link IllegalStateException},
     * and later calls are refused. Idempotent; does nothing more once the engine is shut down.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.retire(address);
        } catch (IllegalStateException engineShutDown) {
            // the engine already stopped every agent
        }
    }

    /** @return true once {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Client[" + address + "]";
    }
}
