package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated engine hands its handlers a view, as the threaded engine does (MessageHandler's
 * contract): valid during the call, reused for the next message, and {@link Envelope#detach()}
 * gives a copy that keeps the message's header after the view moved on.
 */
class SimulatedEnvelopeViewTest {

    static final Topology MESH = Topology.tsar(4, 4);

    @Test
    void handlersGetOneReusedViewWhoseDetachedCopiesKeepTheirMessages() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).build()) {
            List<Envelope<Object>> views = new ArrayList<>();
            List<Envelope<Object>> copies = new ArrayList<>();
            List<Boolean> detachedDuringCall = new ArrayList<>();
            Address first = engine.spawn(MESH.core(5), ctx -> () -> ctx.receive(e -> {
                views.add(e);
                detachedDuringCall.add(e.isDetached());
                copies.add(e.detach());
            }, 64));
            Address second = engine.spawn(MESH.core(63), ctx -> () -> ctx.receive(e -> {
                views.add(e);
                detachedDuringCall.add(e.isDetached());
                copies.add(e.detach());
            }, 64));
            Address outside = new Address(MESH.core(0), 1 << 20);
            engine.runUntil(0);
            assertEquals(SendStatus.DELIVERED, engine.inject(outside, first, new Ping(1), 11));
            assertEquals(SendStatus.DELIVERED, engine.inject(outside, second, new Ping(2), 22));
            assertEquals(SendStatus.DELIVERED, engine.inject(outside, first, new Ping(3), 33));

            assertTrue(engine.runUntilQuiescent(1_000_000));

            assertEquals(3, copies.size());
            assertEquals(List.of(false, false, false), detachedDuringCall);
            for (Envelope<Object> view : views) {
                assertSame(views.getFirst(), view, "one view, reused for every hand-over");
            }
            List<Object> payloads = new ArrayList<>();
            for (Envelope<Object> copy : copies) {
                assertTrue(copy.isDetached());
                assertSame(copy, copy.detach());
                assertEquals(outside, copy.sender());
                payloads.add(copy.payload());
                long n = ((Ping) copy.payload()).n();
                assertEquals(11 * n, copy.correlationId());
                assertEquals(n == 2 ? second : first, copy.receiver());
                assertEquals(0, copy.sendTime());
                assertEquals(MESH.distance(MESH.clusterOf(MESH.core(0)), MESH.clusterOf(copy.receiver().core())),
                        copy.hops());
            }
            assertEquals(List.of(new Ping(1), new Ping(3), new Ping(2)), payloads);
            assertFalse(views.getFirst().isDetached());
        }
    }
}
