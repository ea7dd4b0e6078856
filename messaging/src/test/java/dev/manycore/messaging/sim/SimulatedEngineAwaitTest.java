package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.manycore.messaging.sim.SimAgents.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engine.await on the simulated engine: from a program, from the driving thread, and refused inside a run. */
class SimulatedEngineAwaitTest {

    static final Topology MESH = SimulatedEngineTest.MESH;

    /** Completes a future with its clock when a message arrives (as a fleet gateway completes a call). */
    static final class Completer implements Agent {
        final AgentContext ctx;
        final CompletableFuture<Long> done;

        Completer(AgentContext ctx, CompletableFuture<Long> done) {
            this.ctx = ctx;
            this.done = done;
        }

        @Override
        public int doWork() {
            return ctx.receive(e -> done.complete(ctx.now()), 8);
        }
    }

    @Test
    void aProgramWaitsInVirtualTimeForAFutureAnAgentCompletes() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            Address completer = engine.spawn(MESH.core(63), ctx -> new Completer(ctx, done));
            List<Long> times = new ArrayList<>();
            List<Boolean> outcomes = new ArrayList<>();
            engine.spawnProgram(MESH.core(0), ctx -> {
                outcomes.add(engine.await(new CompletableFuture<>(), 5_000));
                times.add(ctx.now());
                ctx.send(completer, new Ping(1), 0);
                outcomes.add(engine.await(done, Long.MAX_VALUE));
                times.add(ctx.now());
            });
            engine.runUntil(1_000_000);
            assertEquals(List.of(false, true), outcomes);
            assertTrue(times.get(0) >= 5_000 && times.get(0) < 5_100, "a timeout of 5 us: " + times);
            assertEquals(done.join(), times.get(1), "the program resumes when the agent completed the future");
        }
    }

    @Test
    void interruptProgramEndsAWaitAtTheCurrentVirtualTime() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            List<String> events = new ArrayList<>();
            Address program = engine.spawnProgram(MESH.core(0), ctx -> {
                try {
                    engine.await(new CompletableFuture<>(), Long.MAX_VALUE);
                    events.add("returned");
                } catch (InterruptedException e) {
                    events.add("interrupted at " + ctx.now());
                }
            });
            engine.runUntil(1_000);
            engine.at(7_000, () -> engine.interruptProgram(program));
            engine.runUntil(1_000_000);
            assertEquals(1, events.size());
            assertTrue(events.getFirst().startsWith("interrupted at 70"), events.toString());
            thrown(IllegalArgumentException.class, () -> engine.interruptProgram(new Address(MESH.core(1), 99)),
                    "not the address of a program");
        }
    }

    @Test
    void theDrivingThreadRunsTheSimulationUntilTheFutureIsDone() throws Exception {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            Address completer = engine.spawn(MESH.core(63), ctx -> new Completer(ctx, done));
            engine.inject(new Address(MESH.core(0), 0), completer, new Ping(1), 0);
            assertTrue(engine.await(done, 1_000_000));
            assertTrue(done.isDone());

            long before = engine.now();
            assertFalse(engine.await(new CompletableFuture<>(), 25_000), "nothing completes it: the timeout");
            assertEquals(before + 25_000, engine.now(), "the wait ran the clock to its end");
        }
    }

    @Test
    void aWaitThatNothingCanEndFailsInsteadOfHanging() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            engine.spawn(MESH.core(5), SimAgents.Echo::new);
            thrown(IllegalStateException.class, () -> engine.await(new CompletableFuture<>(), Long.MAX_VALUE),
                    "ran out of events");
        }
    }

    @Test
    void aWaitInsideAnAgentsCycleIsRefused() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            List<Throwable> refused = new ArrayList<>();
            engine.spawn(MESH.core(5), ctx -> () -> {
                try {
                    engine.await(new CompletableFuture<>(), 1_000);
                } catch (IllegalStateException | InterruptedException e) {
                    refused.add(e);
                }
                return 0;
            });
            engine.runUntilQuiescent(1_000_000);
            assertEquals(1, refused.size());
            assertTrue(refused.getFirst().getMessage().contains("would never end"), refused.getFirst().getMessage());
        }
    }
}
