package dev.manycore.messaging;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.manycore.messaging.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadedEngineTest {

    record Ping(int n) {
    }

    record Pong(int n) {
    }

    /** Answers every Ping with a Pong of the same number, to the sender, with the same correlation id. */
    static final class Echo implements Agent {
        private final AgentContext ctx;
        private final MessageHandler<Object> handler;

        Echo(AgentContext ctx) {
            this.ctx = ctx;
            this.handler = e -> {
                if (e.payload() instanceof Ping p) {
                    SendStatus s = ctx.send(e.sender(), new Pong(p.n()), e.correlationId());
                    if (s != SendStatus.DELIVERED) {
                        throw new IllegalStateException("echo reply " + s);
                    }
                }
            };
        }

        @Override
        public int doWork() {
            return ctx.receive(handler, 64);
        }
    }

    /** Sends {@code rounds} pings one at a time and completes with the number of matching pongs. */
    static final class Pinger implements Agent {
        private final AgentContext ctx;
        private final Address peer;
        private final int rounds;
        private final CompletableFuture<Integer> done;
        private int sent;
        private int matched;
        private boolean waiting;

        Pinger(AgentContext ctx, Address peer, int rounds, CompletableFuture<Integer> done) {
            this.ctx = ctx;
            this.peer = peer;
            this.rounds = rounds;
            this.done = done;
        }

        @Override
        public int doWork() {
            int work = ctx.receive(e -> {
                if (e.payload() instanceof Pong p && p.n() == sent && e.correlationId() == sent) {
                    matched++;
                }
                waiting = false;
            }, 16);
            if (!waiting && sent < rounds) {
                if (ctx.send(peer, new Ping(sent + 1), sent + 1) == SendStatus.DELIVERED) {
                    sent++;
                    waiting = true;
                }
                return work + 1;
            }
            if (!waiting && sent == rounds && !done.isDone()) {
                done.complete(matched);
            }
            return work;
        }
    }

    @Test
    void roundTripBetweenTwoAgentsOnDifferentClusters() throws Exception {
        Topology mesh = Topology.tsar(4, 4);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(2).build()) {
            Address echo = engine.spawn(mesh.core(63), Echo::new);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            engine.spawn(mesh.core(0), ctx -> new Pinger(ctx, echo, 1000, done));
            engine.start();

            assertEquals(1000, done.get(60, TimeUnit.SECONDS));

            TrafficSnapshot traffic = engine.traffic();
            assertEquals(2000, traffic.messages());
            assertEquals(0.0, traffic.localityRatio());
            int hops = mesh.distance(mesh.clusterOf(mesh.core(0)), mesh.clusterOf(mesh.core(63)));
            assertEquals(2000, traffic.messagesByHops()[hops]);
            assertEquals(1000, traffic.messages(mesh.cluster(0), mesh.clusterOf(mesh.core(63))));
            assertTrue(traffic.energyPicojoules() > 0);
        }
    }

    @Test
    void thousandAndTwentyFourCoresRunOnTwoWorkers() throws Exception {
        Topology tsar = Topology.tsar();
        try (ThreadedEngine engine = ThreadedEngine.builder(tsar).workers(2).build()) {
            assertEquals(2, engine.workerCount());
            int cores = tsar.coreCount();
            CountDownLatch received = new CountDownLatch(cores);
            AtomicInteger wrong = new AtomicInteger();
            Address[] addresses = new Address[cores];
            for (int c = 0; c < cores; c++) {
                addresses[c] = engine.spawn(tsar.core(c), ctx -> new Agent() {
                    @Override
                    public int doWork() {
                        return ctx.receive(e -> {
                            if (!(e.payload() instanceof Ping p) || p.n() != e.sender().core().index()) {
                                wrong.incrementAndGet();
                            }
                            received.countDown();
                        }, 8);
                    }
                });
            }
            // every core sends one ping to its neighbour in index order (the ring covers every cluster pair boundary)
            for (int c = 0; c < cores; c++) {
                Address to = addresses[(c + 1) % cores];
                int n = c;
                engine.spawn(tsar.core(c), ctx -> new Agent() {
                    boolean sent;

                    @Override
                    public int doWork() {
                        if (!sent && ctx.send(to, new Ping(n)) == SendStatus.DELIVERED) {
                            sent = true;
                            return 1;
                        }
                        return 0;
                    }
                });
            }
            engine.start();

            assertTrue(received.await(120, TimeUnit.SECONDS), "every core received its ping");
            assertEquals(0, wrong.get());
            assertEquals(cores, engine.traffic().messages());
        }
    }

    @Test
    void shutdownReportsUndeliveredMessages() {
        Topology mesh = Topology.tsar(2, 2);
        ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(2).build();
        // a receiver that never receives
        Address sink = engine.spawn(mesh.core(0), ctx -> () -> 0);
        CountDownLatch sent = new CountDownLatch(1);
        engine.spawn(mesh.core(15), ctx -> new Agent() {
            int n;

            @Override
            public int doWork() {
                if (n < 10) {
                    if (ctx.send(sink, n) == SendStatus.DELIVERED) {
                        n++;
                    }
                    return 1;
                }
                sent.countDown();
                return 0;
            }
        });
        engine.start();
        try {
            assertTrue(sent.await(60, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }

        ShutdownReport report = engine.shutdown();

        assertTrue(report.workersJoined());
        assertEquals(2, report.agents());
        assertEquals(10, report.undelivered());
        assertEquals(10L, report.undeliveredByAddress().get(sink));
        assertEquals(report, engine.shutdown(), "shutdown is idempotent");
        thrown(IllegalStateException.class, () -> engine.spawn(mesh.core(1), ctx -> () -> 0), "shut down");
    }

    @Test
    void parkedWorkerWakesForAMessageSentFromOutside() throws Exception {
        Topology mesh = Topology.tsar(2, 2);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(1).idle(0, 0).build()) {
            AtomicReference<Object> got = new AtomicReference<>();
            CountDownLatch received = new CountDownLatch(1);
            Address receiver = engine.spawn(mesh.core(3), ctx -> () -> ctx.receive(e -> {
                got.set(e.payload());
                received.countDown();
            }, 8));
            engine.start();
            // the worker parks with nothing to do; a spawned sender's first message must wake it
            engine.spawn(mesh.core(0), ctx -> new Agent() {
                boolean sent;

                @Override
                public int doWork() {
                    if (!sent) {
                        sent = ctx.send(receiver, "wake up") == SendStatus.DELIVERED;
                        return 1;
                    }
                    return 0;
                }
            });

            assertTrue(received.await(60, TimeUnit.SECONDS));
            assertEquals("wake up", got.get());
        }
    }

    @Test
    void sendToAnUnknownAddressAnswersClosed() throws Exception {
        Topology mesh = Topology.tsar(2, 2);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(1).build()) {
            CompletableFuture<SendStatus> status = new CompletableFuture<>();
            engine.spawn(mesh.core(0), ctx -> () -> {
                if (!status.isDone()) {
                    status.complete(ctx.send(new Address(mesh.core(1), 999), "nobody"));
                }
                return 0;
            });
            engine.start();
            assertEquals(SendStatus.CLOSED, status.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void idleEngineParksEveryWorker() throws Exception {
        Topology tsar = Topology.tsar();
        try (ThreadedEngine engine = ThreadedEngine.builder(tsar).workers(2).build()) {
            for (int c = 0; c < tsar.coreCount(); c += 7) {
                engine.spawn(tsar.core(c), ctx -> () -> ctx.receive(e -> { }, 8));
            }
            engine.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (engine.parkedWorkers() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(2, engine.parkedWorkers(), "an idle engine parks all its workers (no CPU)");
        }
    }

    @Test
    void wakeAtRunsAParkedAgentAgainWithoutAMessage() throws Exception {
        Topology mesh = Topology.tsar(2, 2);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(1).idle(0, 0).build()) {
            CountDownLatch ticks = new CountDownLatch(3);
            engine.spawn(mesh.core(0), ctx -> new Agent() {
                long next = Long.MIN_VALUE;

                @Override
                public int doWork() {
                    long now = ctx.now();
                    if (next == Long.MIN_VALUE || now >= next) {
                        ticks.countDown();
                        next = now + TimeUnit.MILLISECONDS.toNanos(5);
                    }
                    ctx.wakeAt(next);
                    return 0;
                }
            });
            engine.start();
            assertTrue(ticks.await(60, TimeUnit.SECONDS), "three timer ticks with no message");
        }
    }

    @Test
    void channelBetweenAgentsKeepsOrderAcrossSwitches() throws Exception {
        Topology mesh = Topology.tsar(2, 2);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(2).build()) {
            int total = 30_000;
            CompletableFuture<Integer> outOfOrder = new CompletableFuture<>();
            Address receiver = engine.spawn(mesh.core(15), ctx -> new Agent() {
                int expected;
                int bad;

                @Override
                public int doWork() {
                    int n = ctx.receive(e -> {
                        if ((Integer) e.payload() != expected) {
                            bad++;
                        }
                        expected = (Integer) e.payload() + 1;
                    }, 64);
                    if (expected == total && !outOfOrder.isDone()) {
                        outOfOrder.complete(bad);
                    }
                    return n;
                }
            });
            engine.spawn(mesh.core(0), ctx -> new Agent() {
                int next;
                boolean open;

                @Override
                public int doWork() {
                    if (next == total) {
                        return 0;
                    }
                    if (next % 1000 == 0 && next > 0 && !switched) {
                        if (open) {
                            ctx.closeChannel(receiver);
                            open = false;
                        } else if (ctx.openChannel(receiver) == SendStatus.DELIVERED) {
                            open = true;
                        } else {
                            return 1;
                        }
                        switched = true;
                    }
                    if (ctx.send(receiver, next) == SendStatus.DELIVERED) {
                        next++;
                        switched = false;
                    }
                    return 1;
                }

                boolean switched;
            });
            engine.start();
            assertEquals(0, outOfOrder.get(120, TimeUnit.SECONDS));
            assertEquals(total, engine.traffic().messages());
        }
    }

    @Test
    void pinnedWorkersStillDeliver() throws Exception {
        Topology mesh = Topology.tsar(2, 2);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(2).pinWorkers(true).build()) {
            Address echo = engine.spawn(mesh.core(15), Echo::new);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            engine.spawn(mesh.core(0), ctx -> new Pinger(ctx, echo, 100, done));
            engine.start();
            assertEquals(100, done.get(60, TimeUnit.SECONDS), "pinning is best effort: refused pins only log");
        }
    }

    @Test
    void injectedMessageReachesAnAgentAndUnknownAddressesAnswerClosed() throws Exception {
        Topology mesh = Topology.tsar(2, 2);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(1).build()) {
            CompletableFuture<Envelope<Object>> got = new CompletableFuture<>();
            Address agent = engine.spawn(mesh.core(2), ctx -> () -> ctx.receive(e -> got.complete(e.detach()), 4));
            Address outside = new Address(mesh.core(0), 9999);
            engine.start();

            assertEquals(SendStatus.DELIVERED, engine.inject(outside, agent, "from a user thread", 5L));
            Envelope<Object> e = got.get(60, TimeUnit.SECONDS);
            assertEquals("from a user thread", e.payload());
            assertEquals(outside, e.sender());
            assertEquals(5L, e.correlationId());
            assertEquals(SendStatus.CLOSED, engine.inject(outside, new Address(mesh.core(1), 777), "x", 0));
        }
    }

    @Test
    void badWorkerCountIsRefused() {
        thrown(IllegalArgumentException.class, () -> ThreadedEngine.builder(Topology.tsar(2, 2)).workers(0),
                "workers 0", "1 to 4096");
    }
}
