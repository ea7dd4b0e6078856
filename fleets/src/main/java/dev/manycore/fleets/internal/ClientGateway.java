package dev.manycore.fleets.internal;

import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.Server;
import dev.manycore.fleets.ServerContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The server behind a {@link dev.manycore.fleets.Client}: user threads cannot receive from a
 * mailbox, so they hand operations to this gateway, which runs them on its engine thread with a
 * full {@link ServerContext} (its calls, timers, name cache) and completes the user's future there.
 *
 * <p>Thread-safety: {@link #submit} is thread-safe (a lock-free queue); everything else runs on
 * the gateway's thread.
 */
public final class ClientGateway implements Server {

    private final ConcurrentLinkedQueue<Submission<?>> submissions = new ConcurrentLinkedQueue<>();
    private ServerContext context;

    /**
     * Any thread: queues an operation for the gateway's thread.
     *
     * @param operation runs on the gateway thread and returns the stage of its result
     * @param <T>       the result type
     * @return completes with the operation's result
     */
    public <T> CompletableFuture<T> submit(Function<ServerContext, CompletionStage<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submissions.add(new Submission<>(operation, result));
        return result;
    }

    @Override
    public void start(ServerContext context, Handlers handlers) {
        this.context = context;
        handlers.on(Wake.class, (wake, caller) -> null);
    }

    /**
     * Gateway thread: runs the queued operations.
     *
     * @return the number run
     */
    public int drain() {
        int n = 0;
        Submission<?> s;
        while ((s = submissions.poll()) != null) {
            run(s);
            n++;
        }
        return n;
    }

    private <T> void run(Submission<T> s) {
        try {
            s.operation.apply(context).whenComplete((value, failure) -> {
                if (failure != null) {
                    s.result.completeExceptionally(failure);
                } else {
                    s.result.complete(value);
                }
            });
        } catch (RuntimeException e) {
            s.result.completeExceptionally(e);
        }
    }

    /** Fails the operations that were queued but never ran: the client was closed. */
    @Override
    public void stop() {
        Submission<?> s;
        while ((s = submissions.poll()) != null) {
            s.result.completeExceptionally(new IllegalStateException("client closed before its operation ran"));
        }
    }

    @Override
    public String role() {
        return "client";
    }

    private record Submission<T>(Function<ServerContext, CompletionStage<T>> operation, CompletableFuture<T> result) {
    }
}
