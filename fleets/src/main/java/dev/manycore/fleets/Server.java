package dev.manycore.fleets;

/**
 * A single-threaded, transaction-oriented server (fos paper 3.2, fos report 4.3): it registers one
 * handler per message type, and the runtime runs each request to completion on the server's own
 * thread. When a handler needs another service it {@link ServerContext#call calls} it and returns
 * the resulting {@link java.util.concurrent.CompletionStage}; the continuation runs later on the
 * same server, while other requests are handled meanwhile. Server code holds no lock, starts no
 * thread, reads no clock and makes no randomness: the {@link ServerContext} gives all of these, so
 * the same server runs on the threaded engine and on the simulated engine.
 *
 * <p>Thread-safety: every method is called on the server's thread, one at a time.
 */
public interface Server {

    /**
     * Runs a standalone server (not a fleet member) on a core of an engine.
     *
     * @param engine the engine
     * @param core   the server's core
     * @param server the server, started on the engine's thread before its first message
     * @param seed   the seed of its random source
     * @return the server's address
     */
    static dev.manycore.messaging.Address spawn(dev.manycore.messaging.Engine engine, dev.manycore.numa.CoreId core,
                                                Server server, long seed) {
        java.util.Objects.requireNonNull(server, "server is null");
        return engine.spawn(core, ctx -> new dev.manycore.fleets.internal.ServerRuntime(ctx, server, seed,
                new dev.manycore.fleets.internal.ServerControl()));
    }

    /**
     * Called once, before the first message: keep the context and register the handlers.
     *
     * @param context  everything the server may use
     * @param handlers the table to fill
     */
    void start(ServerContext context, Handlers handlers);

    /** Called once when the engine stops the server. */
    default void stop() {
    }

    /** @return a short name for logs and reports */
    default String role() {
        return getClass().getSimpleName();
    }
}
