package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.SimulationReport;
import dev.manycore.messaging.sim.SimAgents.Echo;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.messaging.sim.SimAgents.Pong;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static dev.manycore.messaging.sim.SimAgents.thrown;
import static dev.manycore.messaging.sim.SimulatedEngineTest.FAR_LATENCY;
import static dev.manycore.messaging.sim.SimulatedEngineTest.SERVICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockingProgramTest {

    static final Topology MESH = SimulatedEngineTest.MESH;

    @Test
    void blockingCallsRunInVirtualTime() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            List<Long> replyTimes = new ArrayList<>();
            List<Object> replies = new ArrayList<>();
            engine.spawnProgram(MESH.core(0), ctx -> {
                for (int i = 1; i <= 3; i++) {
                    Envelope<Object> reply = ctx.call(echo, new Ping(i), 1_000_000);
                    replyTimes.add(ctx.now());
                    replies.add(reply.payload());
                    ctx.compute(1_000);
                }
            });
            assertTrue(engine.runUntilQuiescent(10_000_000));
            long roundTrip = 2 * (FAR_LATENCY + SERVICE);
            assertEquals(List.of(roundTrip, 2 * roundTrip + 1_000, 3 * roundTrip + 2_000), replyTimes);
            assertEquals(List.of(new Pong(1), new Pong(2), new Pong(3)), replies);
        }
    }

    @Test
    void receiveWaitsForAMessageOrItsTimeout() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            List<Object> got = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            Address program = engine.spawnProgram(MESH.core(5), ctx -> {
                Envelope<Object> first = ctx.receive(50_000);
                got.add(first.payload());
                times.add(ctx.now());
                Envelope<Object> none = ctx.receive(7_000);
                got.add(none == null ? "timeout" : none.payload());
                times.add(ctx.now());
                assertNull(ctx.receive(0));
            });
            engine.at(20_000, () -> engine.inject(new Address(MESH.core(5), 999), program, "hello", 0));
            engine.runUntil(1_000_000);
            assertEquals(List.of("hello", "timeout"), got);
            long handled = times.getFirst();
            assertTrue(handled > 20_000 && handled < 21_000, "handled just after it arrived: " + handled);
            assertEquals(handled + 7_000, times.get(1), "the timeout is exact in virtual time");
        }
    }

    @Test
    void programsRepeatExactly() {
        long[] hashes = new long[2];
        for (int run = 0; run < 2; run++) {
            try (SimulatedEngine engine = SimulatedEngine.builder(MESH).seed(5).build()) {
                Address echo = engine.spawn(MESH.core(63), Echo::new);
                for (int p = 0; p < 8; p++) {
                    int id = p;
                    engine.spawnProgram(MESH.core(p * 4), ctx -> {
                        java.util.SplittableRandom random = new java.util.SplittableRandom(id);
                        for (int i = 0; i < 50; i++) {
                            ctx.call(echo, new Ping(i), 1_000_000);
                            ctx.compute(random.nextLong(5_000));
                        }
                    });
                }
                SimulationReport r = engine.runUntil(10_000_000);
                assertEquals(800, r.received());
                hashes[run] = r.traceHash();
            }
        }
        assertEquals(hashes[0], hashes[1]);
    }

    @Test
    void programThatBlocksOutsideItsContextIsStoppedWithAnError() {
        CountDownLatch never = new CountDownLatch(1);
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).programHandOffTimeoutMillis(200).build()) {
            Address program = engine.spawnProgram(MESH.core(3), ctx -> never.await());
            engine.runUntil(1_000);
            assertFalse(engine.isLive(program), "its agent crashed");
        } finally {
            never.countDown();
        }
        thrown(IllegalArgumentException.class, () -> SimulatedEngine.builder(MESH).programHandOffTimeoutMillis(0),
                "hand-off timeout 0");
    }

    @Test
    void shutdownUnblocksAWaitingProgram() {
        List<String> events = new ArrayList<>();
        SimulatedEngine engine = SimulatedEngine.builder(MESH).build();
        engine.spawnProgram(MESH.core(3), ctx -> {
            try {
                ctx.receive(Long.MAX_VALUE / 2);
                events.add("received");
            } finally {
                events.add("unwound");
            }
        });
        engine.runUntil(1_000);
        engine.shutdown();
        assertEquals(List.of("unwound"), events);
    }
}
