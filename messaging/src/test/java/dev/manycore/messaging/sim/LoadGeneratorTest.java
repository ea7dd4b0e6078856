package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.messaging.LoadStats;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.sim.SimAgents.Echo;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import static dev.manycore.messaging.sim.SimAgents.thrown;
import static dev.manycore.messaging.sim.SimulatedEngineTest.FAR_LATENCY;
import static dev.manycore.messaging.sim.SimulatedEngineTest.SERVICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadGeneratorTest {

    static final Topology MESH = SimulatedEngineTest.MESH;

    @Test
    void closedLoopUserWaitsForEachAnswerThenThinks() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            LoadGenerator.Builder<Ping> load = LoadGenerator.to(echo, (n, random) -> new Ping((int) n))
                    .closedLoop(1, 1_000, false);
            engine.spawn(MESH.core(0), load.build());
            long roundTrip = 2 * (FAR_LATENCY + SERVICE);
            engine.runUntil(10 * (roundTrip + 1_000) - 1);
            LoadStats stats = load.stats();
            assertEquals(10, stats.issued());
            assertEquals(10, stats.completed());
            assertEquals(roundTrip, stats.minLatencyNanos());
            assertEquals(roundTrip, stats.maxLatencyNanos());
            assertEquals(0, stats.outstanding());
            assertTrue(stats.latencyQuantileUpperBound(0.99) >= roundTrip);
        }
    }

    @Test
    void openLoopSendsAtItsRateWhateverTheAnswers() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            LoadGenerator.Builder<Ping> load = LoadGenerator.to(echo, (n, random) -> new Ping((int) n))
                    .openLoop(1e6, false).maxRequests(100);
            engine.spawn(MESH.core(0), load.build());
            assertTrue(engine.runUntilQuiescent(10_000_000));
            LoadStats stats = load.stats();
            assertEquals(100, stats.issued());
            assertEquals(100, stats.completed());
            assertEquals(2 * (FAR_LATENCY + SERVICE), stats.minLatencyNanos());
            assertTrue(stats.maxLatencyNanos() <= 2 * (FAR_LATENCY + SERVICE) + 10,
                    "a reply waits at most for the generator's own duty cycle: " + stats.maxLatencyNanos());
            assertTrue(engine.now() >= 99_000 + 2 * (FAR_LATENCY + SERVICE), "the last request leaves at 99 us");
        }
    }

    @Test
    void poissonArrivalsHaveTheRequestedMeanRate() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).seed(7).build()) {
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            LoadGenerator.Builder<Ping> load = LoadGenerator.to(echo, (n, random) -> new Ping(random.nextInt(100)))
                    .openLoop(1e6, true).seed(engine.seedFor(echo));
            engine.spawn(MESH.core(0), load.build());
            engine.runUntil(2_000_000);
            long issued = load.stats().issued();
            assertTrue(issued > 1_800 && issued < 2_200, "about 2000 arrivals in 2 ms: " + issued);
        }
    }

    @Test
    void requestsToACrashedServerTimeOutOrAreRefusedAndNoneIsLost() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            LoadGenerator.Builder<Ping> load = LoadGenerator.to(echo, (n, random) -> new Ping((int) n))
                    .closedLoop(4, 500, true).timeoutNanos(20_000).seed(3);
            engine.spawn(MESH.core(0), load.build());
            engine.schedule(new Fault.CrashAgent(echo, 5_000));
            engine.runUntil(200_000);
            LoadStats stats = load.stats();
            assertTrue(stats.completed() > 0, stats.toString());
            assertTrue(stats.timedOut() > 0, stats.toString());
            assertTrue(stats.refusedClosed() > 0, stats.toString());
            assertEquals(stats.issued(), stats.completed() + stats.failed() + stats.timedOut() + stats.outstanding());
            assertEquals(0, stats.outstanding());
        }
    }

    @Test
    void failureRepliesAndUnboundNamesAreCountedApart() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            LoadGenerator.Builder<String> load = LoadGenerator.to(echo, (n, random) -> n % 2 == 0 ? "fail" : "ok")
                    .openLoop(1e6, false).maxRequests(10).failureReplies("fail"::equals);
            engine.spawn(MESH.core(0), load.build());
            LoadGenerator.Builder<String> nowhere = LoadGenerator.to(Name.of("/svc/none"), (n, random) -> "x")
                    .openLoop(1e6, false).maxRequests(3);
            engine.spawn(MESH.core(1), nowhere.build());
            engine.runUntilQuiescent(1_000_000);
            assertEquals(5, load.stats().completed());
            assertEquals(5, load.stats().failed());
            assertEquals(3, nowhere.stats().unboundName());
            assertEquals(0, nowhere.stats().issued());
        }
    }

    @Test
    void badSettingsAreRefused() {
        Address echo = new Address(MESH.core(1), 0);
        LoadGenerator.Builder<Ping> b = LoadGenerator.to(echo, (n, r) -> new Ping(1));
        thrown(IllegalArgumentException.class, () -> b.openLoop(0, false), "rate 0");
        thrown(IllegalArgumentException.class, () -> b.closedLoop(0, 1, false), "users 0");
        thrown(IllegalArgumentException.class, () -> b.closedLoop(1, -1, false), "think time -1");
        thrown(IllegalArgumentException.class, () -> b.timeoutNanos(0), "timeout 0");
        thrown(IllegalArgumentException.class, () -> b.maxRequests(-1), "max requests -1");
        thrown(IllegalArgumentException.class, () -> new LoadStats().latencyQuantileUpperBound(2), "quantile 2");
    }
}
