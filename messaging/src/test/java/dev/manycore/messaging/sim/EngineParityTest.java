package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.messaging.LoadStats;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.messaging.TrafficSnapshot;
import dev.manycore.messaging.sim.SimAgents.Echo;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same agents, unchanged, on both engines: same outcomes and the same traffic accounting. */
class EngineParityTest {

    static final Topology MESH = SimulatedEngineTest.MESH;
    static final int REQUESTS = 500;

    /** Spawns an echo and a closed-loop client of {@link #REQUESTS} requests; returns the client's stats. */
    static LoadStats workload(Engine engine, CompletableFuture<Void> done) {
        Address echo = engine.spawn(MESH.core(63), Echo::lean);
        LoadGenerator.Builder<Ping> load = LoadGenerator.to(echo, (n, random) -> new Ping((int) n))
                .closedLoop(2, 100, false).maxRequests(REQUESTS).timeoutNanos(60_000_000_000L);
        AgentWatch.spawnWatched(engine, MESH.core(0), load, done);
        return load.stats();
    }

    @Test
    void sameAgentsGiveTheSameOutcomesAndTrafficOnBothEngines() throws Exception {
        TrafficSnapshot simulated;
        LoadStats simStats;
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            simStats = workload(engine, new CompletableFuture<>());
            engine.runUntilQuiescent(1_000_000_000L);
            simulated = engine.traffic();
        }
        TrafficSnapshot threaded;
        LoadStats threadedStats;
        try (ThreadedEngine engine = ThreadedEngine.builder(MESH).workers(2).build()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            threadedStats = workload(engine, done);
            engine.start();
            done.get(60, TimeUnit.SECONDS);
            engine.shutdown();
            threaded = engine.traffic();
        }
        assertEquals(REQUESTS, simStats.completed());
        assertEquals(REQUESTS, threadedStats.completed());
        assertEquals(2L * REQUESTS, simulated.messages());
        assertEquals(simulated.messages(), threaded.messages());
        assertEquals(simulated.bytes(), threaded.bytes());
        assertEquals(simulated.hopBytes(), threaded.hopBytes());
        assertEquals(simulated.energyPicojoules(), threaded.energyPicojoules(), 1e-9);
    }
}
