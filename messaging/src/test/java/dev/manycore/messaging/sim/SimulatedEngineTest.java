package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameBinding;
import dev.manycore.messaging.NameInvalidation;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.ShutdownReport;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.SimulationReport;
import dev.manycore.messaging.TrafficSnapshot;
import dev.manycore.messaging.sim.SimAgents.Echo;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.messaging.sim.SimAgents.Pong;
import dev.manycore.messaging.sim.SimAgents.Recorder;
import dev.manycore.messaging.sim.SimAgents.Scripted;
import dev.manycore.messaging.sim.SimAgents.Seen;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static dev.manycore.messaging.sim.SimAgents.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedEngineTest {

    /** TSAR costs: 400 ns fixed, 3 ns/hop, 0.25 ns/B; service 2 x 40 ns; duty cycle 10 ns. */
    static final Topology MESH = Topology.tsar(4, 4);
    /** Ping and Pong: 32 B header + 16 B shallow record. */
    static final int PING_BYTES = 48;
    /** core 0 is in cluster 0, core 63 in cluster 15: 3 + 3 hops. */
    static final int FAR_HOPS = 6;
    static final long FAR_LATENCY = 400 + 3 * FAR_HOPS + PING_BYTES / 4;
    static final long SERVICE = 80;

    static SimulatedEngine engine() {
        return SimulatedEngine.builder(MESH).build();
    }

    static <A extends Agent> AtomicReference<A> holder() {
        return new AtomicReference<>();
    }

    @Test
    void roundTripTakesLatencyPlusServiceTimeEachWay() {
        try (SimulatedEngine engine = engine()) {
            AtomicReference<Echo> echo = holder();
            Address echoAddress = engine.spawn(MESH.core(63), ctx -> {
                echo.set(new Echo(ctx));
                return echo.get();
            });
            AtomicReference<Scripted> client = holder();
            engine.spawn(MESH.core(0), ctx -> {
                client.set(new Scripted(ctx, s -> s.send(echoAddress, new Ping(1))));
                return client.get();
            });

            assertTrue(engine.runUntilQuiescent(1_000_000));

            assertEquals(FAR_HOPS, MESH.distance(MESH.cluster(0), MESH.cluster(15)));
            assertEquals(FAR_LATENCY, CostModel.tsar().withTopology(MESH).messageLatency(FAR_HOPS, PING_BYTES));
            Seen atEcho = echo.get().seen.getFirst();
            assertEquals(FAR_LATENCY + SERVICE, atEcho.at());
            assertEquals(0, atEcho.envelope().sendTime());
            assertEquals(FAR_HOPS, atEcho.envelope().hops());
            Seen atClient = client.get().seen.getFirst();
            assertEquals(new Pong(1), atClient.payload());
            assertEquals(2 * (FAR_LATENCY + SERVICE), atClient.at());
            assertEquals(FAR_LATENCY + SERVICE, atClient.envelope().sendTime());
            assertEquals(echoAddress, atClient.envelope().sender());

            SimulationReport report = engine.report();
            assertEquals(2, report.sent());
            assertEquals(2, report.received());
            assertEquals(0, report.inFlight());
            assertEquals(0, report.queued());
        }
    }

    @Test
    void messagesFromOneSenderArriveInOrderWhateverTheirSize() {
        try (SimulatedEngine engine = engine()) {
            AtomicReference<Recorder> rec = holder();
            Address to = engine.spawn(MESH.core(63), ctx -> {
                rec.set(new Recorder(ctx));
                return rec.get();
            });
            engine.spawn(MESH.core(0), ctx -> new Scripted(ctx, s -> {
                s.send(to, "x".repeat(4000));
                s.send(to, "y");
                s.send(to, new Ping(3));
            }));
            engine.runUntilQuiescent(1_000_000);
            assertEquals(List.of("x".repeat(4000), "y", new Ping(3)), rec.get().payloads());
            // the long message sets the arrival of all three: 400 + 18 + (32 + 16 + 4000 * 1 + padding) / 4 ns
            assertTrue(rec.get().seen.get(1).at() > FAR_LATENCY + 1000);
        }
    }

    @Test
    void messagesQueueAtABusyReceiver() {
        try (SimulatedEngine engine = engine()) {
            AtomicReference<Recorder> rec = holder();
            Address to = engine.spawn(MESH.core(63), ctx -> {
                rec.set(new Recorder(ctx));
                return rec.get();
            });
            engine.spawn(MESH.core(0), ctx -> new Scripted(ctx, s -> s.send(to, new Ping(1))));
            engine.spawn(MESH.core(1), ctx -> new Scripted(ctx, s -> s.send(to, new Ping(2))));
            engine.runUntilQuiescent(1_000_000);
            List<Seen> seen = rec.get().seen;
            assertEquals(FAR_LATENCY + SERVICE, seen.get(0).at());
            assertEquals(FAR_LATENCY + 2 * SERVICE, seen.get(1).at(), "the second waits for the first's service");
        }
    }

    @Test
    void agentsOfOneCoreTakeTurns() {
        try (SimulatedEngine engine = engine()) {
            AtomicReference<Recorder> a = holder();
            AtomicReference<Recorder> b = holder();
            Address toA = engine.spawn(MESH.core(63), ctx -> {
                a.set(new Recorder(ctx));
                return a.get();
            });
            Address toB = engine.spawn(MESH.core(63), ctx -> {
                b.set(new Recorder(ctx));
                return b.get();
            });
            engine.spawn(MESH.core(0), ctx -> new Scripted(ctx, s -> {
                s.send(toA, new Ping(1));
                s.send(toB, new Ping(2));
            }));
            engine.runUntilQuiescent(1_000_000);
            long duty = 10;
            assertEquals(FAR_LATENCY + SERVICE, a.get().seen.getFirst().at());
            // a reported work, so it polls once more (an empty cycle) before b's turn: both were due at 520
            assertEquals(FAR_LATENCY + SERVICE + duty + duty + SERVICE, b.get().seen.getFirst().at(),
                    "b runs when a's cycles have freed the core");
        }
    }

    @Test
    void fullMailboxRefusesUntilTheReceiverDrains() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).mailboxCapacity(2).build()) {
            AtomicReference<Recorder> rec = holder();
            Address to = engine.spawn(MESH.core(5), ctx -> {
                rec.set(new Recorder(ctx, 5_000));
                return rec.get();
            });
            AtomicReference<Scripted> sender = holder();
            engine.spawn(MESH.core(0), ctx -> {
                sender.set(new Scripted(ctx, s -> {
                    s.send(to, new Ping(1));
                    s.send(to, new Ping(2));
                    s.send(to, new Ping(3));
                }));
                return sender.get();
            });
            engine.runUntil(4_000);
            assertEquals(List.of(SendStatus.DELIVERED, SendStatus.DELIVERED, SendStatus.FULL), sender.get().statuses);
            assertEquals(1, engine.report().refusedFull());
            engine.runUntil(6_000);
            assertEquals(List.of(new Ping(1), new Ping(2)), rec.get().payloads());
            assertEquals(SendStatus.DELIVERED, engine.inject(new Address(MESH.core(0), 1), to, new Ping(4), 0));
        }
    }

    @Test
    void sendToAnUnknownAddressIsClosed() {
        try (SimulatedEngine engine = engine()) {
            AtomicReference<Scripted> sender = holder();
            engine.spawn(MESH.core(0), ctx -> {
                sender.set(new Scripted(ctx, s -> s.send(new Address(MESH.core(3), 99), new Ping(1))));
                return sender.get();
            });
            engine.runUntilQuiescent(1_000);
            assertEquals(List.of(SendStatus.CLOSED), sender.get().statuses);
            assertEquals(SendStatus.CLOSED, engine.inject(new Address(MESH.core(0), 0), new Address(MESH.core(3), 99),
                    new Ping(1), 0));
            assertEquals(2, engine.report().refusedClosed());
        }
    }

    @Test
    void wakeUpComesExactlyAtTheRequestedTime() {
        try (SimulatedEngine engine = engine()) {
            List<Long> runs = new ArrayList<>();
            engine.spawn(MESH.core(7), ctx -> new Agent() {
                boolean asked;

                @Override
                public int doWork() {
                    runs.add(ctx.now());
                    if (!asked) {
                        asked = true;
                        ctx.wakeAt(12_345);
                    }
                    return 0;
                }
            });
            engine.runUntil(1_000_000);
            assertEquals(List.of(0L, 12_345L), runs);
            assertEquals(1_000_000, engine.now());
            assertEquals(1_000_000, engine.clock().nanos());
        }
    }

    @Test
    void agentThatReportsWorkIsRunAgainAfterItsDutyCycle() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).dutyCycleNanos(25).build()) {
            List<Long> runs = new ArrayList<>();
            engine.spawn(MESH.core(7), ctx -> () -> {
                runs.add(ctx.now());
                return runs.size() < 4 ? 1 : 0;
            });
            assertTrue(engine.runUntilQuiescent(1_000));
            assertEquals(List.of(0L, 25L, 50L, 75L), runs);
        }
    }

    @Test
    void runUntilDoneStopsAtTheEventThatCompletesTheFuture() {
        try (SimulatedEngine engine = engine()) {
            java.util.concurrent.CompletableFuture<Long> answered = new java.util.concurrent.CompletableFuture<>();
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            engine.spawn(MESH.core(0), ctx -> {
                Scripted client = new Scripted(ctx, s -> s.send(echo, new Ping(1)));
                return () -> {
                    int n = client.doWork();
                    if (!client.seen.isEmpty()) {
                        answered.complete(client.seen.getFirst().at());
                    }
                    return n;
                };
            });
            engine.at(1_000_000, () -> { });
            assertTrue(engine.runUntilDone(answered, 10_000_000));
            assertEquals(2 * (FAR_LATENCY + SERVICE), answered.join());
            assertTrue(engine.now() < 1_000_000, "stopped at the reply, not at the later action: " + engine.now());
            assertFalse(engine.runUntilDone(new java.util.concurrent.CompletableFuture<>(), 2_000_000));
        }
    }

    @Test
    void stepProcessesOneEventAtATime() {
        try (SimulatedEngine engine = engine()) {
            assertFalse(engine.step());
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            engine.spawn(MESH.core(0), ctx -> new Scripted(ctx, s -> s.send(echo, new Ping(1))));
            int steps = 0;
            while (engine.step()) {
                steps++;
            }
            assertTrue(steps >= 6, "2 starts, 2 first cycles, 2 deliveries and their cycles: " + steps);
            assertEquals(2, engine.report().received());
            assertEquals(steps, engine.report().events());
        }
    }

    @Test
    void trafficIsCountedPerClusterPairAsInTheThreadedEngine() {
        try (SimulatedEngine engine = engine()) {
            Address echo = engine.spawn(MESH.core(63), Echo::new);
            engine.spawn(MESH.core(0), ctx -> new Scripted(ctx, s -> {
                for (int i = 0; i < 10; i++) {
                    s.send(echo, new Ping(i));
                }
            }));
            engine.runUntilQuiescent(1_000_000);
            TrafficSnapshot traffic = engine.traffic();
            assertEquals(20, traffic.messages());
            assertEquals(20L * PING_BYTES, traffic.bytes());
            assertEquals(20L * PING_BYTES * FAR_HOPS, traffic.hopBytes());
            assertEquals(0.0, traffic.localityRatio());
            assertEquals(20, traffic.messagesByHops()[FAR_HOPS]);
            assertEquals(10, traffic.messages(MESH.cluster(0), MESH.cluster(15)));
            assertEquals(10, traffic.messages(MESH.cluster(15), MESH.cluster(0)));
            assertEquals(8.0 * 20 * PING_BYTES * FAR_HOPS * 0.5, traffic.energyPicojoules(), 1e-6);
        }
    }

    @Test
    void injectedMessagesAreDeliveredButNotCountedAsTraffic() {
        try (SimulatedEngine engine = engine()) {
            AtomicReference<Recorder> rec = holder();
            Address to = engine.spawn(MESH.core(63), ctx -> {
                rec.set(new Recorder(ctx));
                return rec.get();
            });
            Address outside = new Address(MESH.core(0), 500);
            assertEquals(SendStatus.DELIVERED, engine.inject(outside, to, "x".repeat(2000), 7));
            assertEquals(SendStatus.DELIVERED, engine.inject(outside, to, "y", 8));
            engine.runUntilQuiescent(1_000_000);
            assertEquals(List.of("x".repeat(2000), "y"), rec.get().payloads());
            assertEquals(outside, rec.get().seen.getFirst().envelope().sender());
            assertEquals(7, rec.get().seen.getFirst().envelope().correlationId());
            assertEquals(0, engine.traffic().messages());
        }
    }

    @Test
    void channelIsACheaperLinkThatKeepsTheSendersOrder() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).channelFixedNanos(100).build()) {
            AtomicReference<Recorder> rec = holder();
            Address to = engine.spawn(MESH.core(63), ctx -> {
                rec.set(new Recorder(ctx));
                return rec.get();
            });
            AtomicReference<Scripted> sender = holder();
            engine.spawn(MESH.core(0), ctx -> {
                sender.set(new Scripted(ctx, s -> {
                    s.send(to, new Ping(1));
                    assertEquals(SendStatus.DELIVERED, s.ctx.openChannel(to));
                    thrown(IllegalStateException.class, () -> s.ctx.openChannel(to), "already open");
                    s.send(to, new Ping(2));
                    s.ctx.closeChannel(to);
                    s.send(to, new Ping(3));
                    thrown(IllegalStateException.class, () -> s.ctx.closeChannel(to), "no channel");
                    thrown(IllegalArgumentException.class, () -> s.ctx.openChannel(s.ctx.address()), "itself");
                }));
                return sender.get();
            });
            engine.runUntilQuiescent(1_000_000);
            assertEquals(List.of(new Ping(1), new Ping(2), new Ping(3)), rec.get().payloads());

            // alone, a channel message takes 100 + 18 + 12 ns instead of 430
            AtomicReference<Recorder> rec2 = holder();
            Address to2 = engine.spawn(MESH.core(62), ctx -> {
                rec2.set(new Recorder(ctx));
                return rec2.get();
            });
            long start = engine.now();
            engine.spawn(MESH.core(1), ctx -> new Scripted(ctx, s -> {
                s.ctx.openChannel(to2);
                s.send(to2, new Ping(9));
            }));
            engine.runUntilQuiescent(engine.now() + 1_000_000);
            assertEquals(start + 100 + 3 * FAR_HOPS + PING_BYTES / 4 + SERVICE, rec2.get().seen.getFirst().at());
        }
    }

    @Test
    void sendToANameResolvesCachesAndFollowsInvalidations() {
        Name service = Name.of("/svc/echo");
        AtomicReference<Address> bound = new AtomicReference<>();
        List<Address> requesters = new ArrayList<>();
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).nameResolver((name, requester) -> {
            requesters.add(requester);
            return name.equals(service) ? Optional.of(new NameBinding(name, bound.get(), 1)) : Optional.empty();
        }).build()) {
            AtomicReference<Recorder> rec = holder();
            bound.set(engine.spawn(MESH.core(63), ctx -> {
                rec.set(new Recorder(ctx));
                return rec.get();
            }));
            AtomicReference<Scripted> client = holder();
            Address clientAddress = engine.spawn(MESH.core(0), ctx -> {
                client.set(new Scripted(ctx, s -> {
                    s.ctx.send(service, new Ping(1), 0);
                    s.ctx.send(service, new Ping(2), 0);
                }));
                return client.get();
            });
            engine.runUntilQuiescent(1_000_000);
            assertEquals(List.of(new Ping(1), new Ping(2)), rec.get().payloads());
            assertEquals(List.of(clientAddress), requesters, "the second send hits the cache");
            assertEquals(1, client.get().ctx.nameCache().size());

            engine.inject(bound.get(), clientAddress, new NameInvalidation(service, 1), 0);
            engine.runUntilQuiescent(engine.now() + 1_000_000);
            assertEquals(0, client.get().ctx.nameCache().size());
            assertTrue(client.get().seen.isEmpty(), "invalidations are applied, not handed over");
        }
    }

    @Test
    void shutdownClosesAgentsAndCountsWhatWasNeverReceived() {
        SimulatedEngine engine = engine();
        List<String> closed = new ArrayList<>();
        Address slow = engine.spawn(MESH.core(63), ctx -> new Agent() {
            @Override
            public int doWork() {
                return 0;
            }

            @Override
            public void onClose() {
                closed.add("slow");
            }
        });
        engine.spawn(MESH.core(0), ctx -> new Scripted(ctx, s -> {
            s.send(slow, new Ping(1));
            s.send(slow, new Ping(2));
        }));
        engine.runUntil(FAR_LATENCY);
        Address outside = new Address(MESH.core(0), 900);
        engine.inject(outside, slow, new Ping(3), 0);
        ShutdownReport report = engine.shutdown();
        assertEquals(2, report.agents());
        assertEquals(3, report.undelivered(), "two queued, one in flight");
        assertEquals(Map.of(slow, 3L), report.undeliveredByAddress());
        assertTrue(report.workersJoined());
        assertEquals(List.of("slow"), closed);
        assertEquals(report, engine.shutdown());
        thrown(IllegalStateException.class, () -> engine.spawn(MESH.core(1), Echo::new), "shut down");
        thrown(IllegalStateException.class, () -> engine.runUntil(engine.now() + 1), "shut down");
        assertEquals(SendStatus.CLOSED, engine.inject(outside, slow, new Ping(4), 0));
        assertFalse(engine.isLive(slow));
    }

    @Test
    void badInputIsRefusedWithAMessageThatNamesIt() {
        thrown(IllegalArgumentException.class, () -> SimulatedEngine.builder(MESH).dutyCycleNanos(0), "duty cycle 0");
        thrown(IllegalArgumentException.class, () -> SimulatedEngine.builder(MESH).mailboxCapacity(3), "power of two");
        thrown(IllegalArgumentException.class, () -> SimulatedEngine.builder(MESH).channelCapacity(1), "channel capacity 1");
        thrown(IllegalArgumentException.class, () -> SimulatedEngine.builder(MESH).sendNanos(-1), "send time -1");
        thrown(IllegalArgumentException.class, () -> SimulatedEngine.builder(MESH).serviceTime(Ping.class, -5), "-5");
        thrown(IllegalArgumentException.class, () -> SimulatedEngine.builder(MESH).costModel(CostModel.tsar()),
                "withTopology");
        try (SimulatedEngine engine = engine()) {
            thrown(IllegalArgumentException.class, () -> engine.spawn(new dev.manycore.numa.CoreId(4096), Echo::new));
            engine.runUntil(100);
            thrown(IllegalArgumentException.class, () -> engine.runUntil(50), "in the past", "100");
            thrown(IllegalArgumentException.class, () -> engine.at(10, () -> { }), "in the past");
            AtomicReference<Throwable> nested = new AtomicReference<>();
            engine.at(200, () -> nested.set(assertThrows(IllegalStateException.class, () -> engine.runUntil(300))));
            engine.runUntil(1_000);
            assertTrue(nested.get().getMessage().contains("inside a run"));
            AtomicReference<Scripted> leaked = holder();
            engine.spawn(MESH.core(1), ctx -> {
                leaked.set(new Scripted(ctx, s -> { }));
                return leaked.get();
            });
            engine.runUntil(2_000);
            thrown(IllegalStateException.class, () -> leaked.get().ctx.receive(e -> { }, 1), "outside");
            thrown(IllegalArgumentException.class, () -> leaked.get().ctx.receive(e -> { }, 0), "limit 0");
            thrown(IllegalArgumentException.class, () -> leaked.get().ctx.send(leaked.get().ctx.address(),
                    new int[1], 0), "not immutable");
            thrown(NullPointerException.class, () -> leaked.get().ctx.send(leaked.get().ctx.address(), null, 0),
                    "payload is null");
        }
    }

    @Test
    void serviceTimesAreConfigurablePerTypeAndByFunction() {
        try (SimulatedEngine engine = SimulatedEngine.builder(MESH).serviceTime(Ping.class, 1_000)
                .serviceTime(CharSequence.class, (CharSequence s) -> 10L * s.length()).defaultServiceNanos(7).build()) {
            AtomicReference<Recorder> rec = holder();
            Address to = engine.spawn(MESH.core(0), ctx -> {
                rec.set(new Recorder(ctx, 5_000));
                return rec.get();
            });
            Address outside = new Address(MESH.core(0), 77);
            engine.inject(outside, to, new Ping(1), 0);
            engine.inject(outside, to, "abcd", 0);
            engine.inject(outside, to, 42, 0);
            engine.runUntilQuiescent(1_000_000);
            List<Seen> seen = rec.get().seen;
            assertEquals(5_000 + 1_000, seen.get(0).at(), "all three arrived before the recorder receives at 5 us");
            assertEquals(seen.get(0).at() + 40, seen.get(1).at(), "strings: 10 ns per character through CharSequence");
            assertEquals(seen.get(1).at() + 7, seen.get(2).at(), "Integer: the default");
        }
    }
}
