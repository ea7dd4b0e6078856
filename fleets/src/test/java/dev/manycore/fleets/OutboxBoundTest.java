package dev.manycore.fleets;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.FaultPlan;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox that holds sends refused with FULL is bounded per destination (Fleet.Builder
 * outboxBound): beyond the bound a send answers FULL and a call fails at once, naming the bound.
 */
class OutboxBoundTest {

    record Flood(Address to, int count) implements Request<Result> {
    }

    record Noise() {
    }

    record Ping() implements Request<String> {
    }

    record Result(List<SendStatus> statuses, String callFailure) {
    }

    /** Sends {@code count} one-way messages to a destination, then calls it. */
    static final class Flooder implements FleetServer {
        FleetContext ctx;

        @Override
        public void start(FleetContext context, Handlers handlers) {
            ctx = context;
            handlers.on(Flood.class, (r, c) -> {
                List<SendStatus> statuses = new ArrayList<>();
                for (int i = 0; i < r.count(); i++) {
                    statuses.add(ctx.send(r.to(), new Noise()));
                }
                return ctx.call(r.to(), new Ping(), Duration.ofMillis(5)).handle((v, e) ->
                        new Result(statuses, e == null ? null : rootMessage(e)));
            });
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
    }

    /** Answers pings, ignores noise. */
    static final class Sink implements FleetServer {
        @Override
        public void start(FleetContext context, Handlers handlers) {
            handlers.on(Ping.class, (r, c) -> "pong").on(Noise.class, (r, c) -> null);
        }
    }

    @Test
    void aFullDestinationQueuesUpToTheBoundThenSendsAnswerFullAndCallsFailNamingIt() {
        Topology topology = Topology.tsar(2, 2);
        try (SimulatedEngine engine = SimulatedEngine.builder(topology).seed(1).build()) {
            Fleet flood = Fleet.builder(engine, "flood", Flooder::new).cores(List.of(topology.core(0)))
                    .outboxBound(3).start();
            Fleet sink = Fleet.builder(engine, "sink", Sink::new).cores(List.of(topology.core(15))).start();
            CompletableFuture<MembershipView> ready = sink.whenView(v -> v.size() == 1);
            engine.runUntilDone(ready, 100_000_000L);
            engine.runUntilDone(flood.whenView(v -> v.size() == 1), 100_000_000L);
            Address target = sink.members().getFirst();
            engine.schedule(new FaultPlan(List.of(new Fault.HoldMailboxFull(target, engine.now() + 1, 1_000_000_000L))));
            engine.runFor(10);

            Client client = Client.open(engine, topology.core(5));
            CompletableFuture<Result> result = client.call(flood.members().getFirst(), new Flood(target, 5),
                    Duration.ofMillis(50));
            assertTrue(engine.runUntilDone(result, engine.now() + 100_000_000L), "the flood was answered");
            Result r = result.join();
            List<SendStatus> expected = new ArrayList<>(Collections.nCopies(3, SendStatus.DELIVERED));
            expected.addAll(Collections.nCopies(2, SendStatus.FULL));
            assertEquals(expected, r.statuses(), "three queued (reported DELIVERED), then FULL");
            assertTrue(r.callFailure() != null && r.callFailure().startsWith("UndeliverableException")
                    && r.callFailure().contains("outbox bound"), "the call fails naming the bound: " + r.callFailure());
        }
    }

    @Test
    void aBoundMustBePositive() {
        Topology topology = Topology.tsar(2, 2);
        try (SimulatedEngine engine = SimulatedEngine.builder(topology).seed(1).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Fleet.builder(engine, "flood", Flooder::new).outboxBound(0));
            assertTrue(e.getMessage().contains("outbox bound 0"), e.getMessage());
        }
    }
}
