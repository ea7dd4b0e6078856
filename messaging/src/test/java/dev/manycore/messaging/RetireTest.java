package dev.manycore.messaging;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.manycore.messaging.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Engine#retire}: one agent stops for good, its mailbox closes, the others go on. */
class RetireTest {

    private static final Topology MESH = Topology.tsar(2, 2);

    /** Never receives; counts its onClose calls. */
    private static Agent sink(AtomicInteger closes) {
        return new Agent() {
            @Override
            public int doWork() {
                return 0;
            }

            @Override
            public void onClose() {
                closes.incrementAndGet();
            }
        };
    }

    @Test
    void threadedRetireDiscardsQueuedMessagesClosesTheMailboxAndLeavesOthersRunning() throws Exception {
        try (ThreadedEngine engine = ThreadedEngine.builder(MESH).workers(2).build()) {
            AtomicInteger closes = new AtomicInteger();
            Address sink = engine.spawn(MESH.core(5), ctx -> sink(closes));
            CompletableFuture<Object> echoed = new CompletableFuture<>();
            Address other = engine.spawn(MESH.core(6), ctx -> () -> ctx.receive(e -> echoed.complete(e.payload()), 8));
            engine.start();
            for (int i = 0; i < 5; i++) {
                assertEquals(SendStatus.DELIVERED, engine.inject(other, sink, i, 0));
            }

            assertEquals(5L, engine.retire(sink).get(60, TimeUnit.SECONDS));

            assertEquals(1, closes.get());
            assertEquals(SendStatus.CLOSED, engine.inject(other, sink, "late", 0));
            assertEquals(0L, engine.retire(sink).get(60, TimeUnit.SECONDS), "retire is idempotent");
            assertEquals(1, closes.get(), "onClose runs once");
            assertEquals(SendStatus.DELIVERED, engine.inject(sink, other, "still here", 0));
            assertEquals("still here", echoed.get(60, TimeUnit.SECONDS));
            thrown(IllegalArgumentException.class, () -> engine.retire(new Address(MESH.core(1), 999)), "no agent at");
            ShutdownReport report = engine.shutdown();
            assertEquals(2, report.agents());
            assertEquals(0, report.undelivered());
            thrown(IllegalStateException.class, () -> engine.retire(other), "shut down");
        }
    }

    @Test
    void threadedRetireBeforeStartCompletesOnceTheEngineRuns() throws Exception {
        try (ThreadedEngine engine = ThreadedEngine.builder(MESH).workers(1).build()) {
            AtomicInteger closes = new AtomicInteger();
            Address sink = engine.spawn(MESH.core(0), ctx -> sink(closes));
            engine.inject(sink, sink, "queued", 0);
            CompletableFuture<Long> retired = engine.retire(sink);
            assertEquals(SendStatus.CLOSED, engine.inject(sink, sink, "after", 0));
            engine.start();
            assertEquals(1L, retired.get(60, TimeUnit.SECONDS));
            assertEquals(1, closes.get(), "the agent was created, then closed");
        }
    }

    @Test
    void simulatedRetireHappensAtTheCurrentVirtualTime() throws Exception {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).seed(7).build()) {
            AtomicInteger closes = new AtomicInteger();
            Address sink = engine.spawn(MESH.core(5), ctx -> sink(closes));
            Address sender = engine.spawn(MESH.core(0), ctx -> () -> 0);
            for (int i = 0; i < 3; i++) {
                engine.inject(sender, sink, i, 0);
            }
            engine.runFor(1_000_000L);
            long before = engine.now();

            assertEquals(3L, engine.retire(sink).get());

            assertEquals(before, engine.now(), "retiring takes no virtual time");
            assertEquals(1, closes.get());
            assertFalse(engine.isLive(sink));
            assertTrue(engine.isLive(sender));
            assertEquals(SendStatus.CLOSED, engine.inject(sender, sink, "late", 0));
            assertEquals(0L, engine.retire(sink).get());
            thrown(IllegalArgumentException.class, () -> engine.retire(new Address(MESH.core(1), 999)), "no agent at");
        }
    }
}
