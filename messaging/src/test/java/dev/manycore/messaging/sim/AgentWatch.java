package dev.manycore.messaging.sim;

import dev.manycore.messaging.Agent;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.numa.CoreId;

import java.util.concurrent.CompletableFuture;

/** Wraps a load generator so a host thread learns when it has no request left (for the threaded engine). */
final class AgentWatch {

    private AgentWatch() {
    }

    static void spawnWatched(Engine engine, CoreId core, LoadGenerator.Builder<?> load, CompletableFuture<Void> done) {
        var factory = load.build();
        var stats = load.stats();
        engine.spawn(core, ctx -> {
            Agent inner = factory.create(ctx);
            return () -> {
                int work = inner.doWork();
                if (stats.completed() + stats.failed() + stats.timedOut() >= EngineParityTest.REQUESTS) {
                    done.complete(null);
                }
                return work;
            };
        });
    }
}
