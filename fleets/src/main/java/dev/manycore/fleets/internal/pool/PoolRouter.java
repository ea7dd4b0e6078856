package dev.manycore.fleets.internal.pool;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.RequestHandler;
import dev.manycore.fleets.internal.pool.PoolMessages.PoolMessage;

import java.util.HashMap;
import java.util.Map;

/**
 * The one handler of dPool messages in a server's table; it routes each message to the partition
 * of the pool it names, so one server may embed several pools. Confined to the server's thread.
 */
final class PoolRouter implements RequestHandler<PoolMessage> {

    private final Map<String, PoolPartition<?>> pools = new HashMap<>();

    /**
     * @param handlers a server's table
     * @return its router, registered on first use
     */
    static PoolRouter in(Handlers handlers) {
        Object existing = handlers.find(PoolMessage.class);
        if (existing instanceof PoolRouter router) {
            return router;
        }
        PoolRouter router = new PoolRouter();
        handlers.on(PoolMessage.class, router);
        return router;
    }

    void add(PoolPartition<?> partition) {
        if (pools.putIfAbsent(partition.name(), partition) != null) {
            throw new IllegalArgumentException("this server already has a partition of pool " + partition.name()
                    + ": pool names are unique per server");
        }
    }

    @Override
    public Object handle(PoolMessage message, Caller caller) {
        PoolPartition<?> p = pools.get(message.pool());
        if (p == null) {
            throw new IllegalArgumentException("no pool named " + message.pool() + " here (pools: " + pools.keySet() + ")");
        }
        p.onMessage(message, caller.address());
        return null;
    }
}
