package dev.manycore.fleets.names;

import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.Server;
import dev.manycore.fleets.ServerContext;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameNotBoundException;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sends by name through the engine: resolved by the name service, invalidated when the name moves on. */
class NameResolverTest {

    record Go() {
    }

    record Ping(String from) {
    }

    /** Records which target got each ping. */
    record Target(String label, ConcurrentLinkedQueue<String> log) implements Server {
        @Override
        public void start(ServerContext context, Handlers handlers) {
            handlers.on(Ping.class, (p, c) -> {
                log.add(label);
                return null;
            });
        }
    }

    /** Sends a ping to {@code name} whenever told to Go; records unbound names. */
    static final class Sender implements Agent {
        private final AgentContext ctx;
        private final Name name;
        private final ConcurrentLinkedQueue<String> log;

        Sender(AgentContext ctx, Name name, ConcurrentLinkedQueue<String> log) {
            this.ctx = ctx;
            this.name = name;
            this.log = log;
        }

        @Override
        public int doWork() {
            return ctx.receive(e -> {
                if (e.payload() instanceof Go) {
                    try {
                        ctx.send(name, new Ping("sender"), 0L);
                    } catch (NameNotBoundException ex) {
                        log.add("unbound");
                    }
                }
            }, 16);
        }
    }

    @Test
    void sendsByNameFollowTheNameServiceAcrossDeleteAndRegister() throws Exception {
        Topology topology = Topology.tsar(2, 2);
        NameResolver resolver = NameService.newResolver(topology);
        try (ThreadedEngine engine = ThreadedEngine.builder(topology).workers(2).nameResolver(resolver).build()) {
            engine.start();
            NameService service = NameService.builder(engine).publishTo(resolver)
                    .cores(List.of(topology.core(0), topology.core(15))).start();
            service.fleet().whenView(v -> v.size() == 2).get(30, TimeUnit.SECONDS);
            ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
            Address a = Server.spawn(engine, topology.core(5), new Target("A", log), 1);
            Address b = Server.spawn(engine, topology.core(10), new Target("B", log), 2);
            Name name = Name.of("/apps/echo");
            Address sender = engine.spawn(topology.core(6), ctx -> new Sender(ctx, name, log));
            NameServiceClient.Blocking client = service.client(topology.core(7), "app").blocking();

            engine.inject(sender, sender, new Go(), 0);
            awaitLast(log, "unbound");
            client.register(name, a, NameFlags.single());
            engine.inject(sender, sender, new Go(), 0);
            awaitLast(log, "A");

            client.delete(name);
            client.register(name, b, NameFlags.single());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"B".equals(last(log)) && System.nanoTime() < deadline) {
                engine.inject(sender, sender, new Go(), 0);
                awaitGrowth(log);
            }
            assertEquals("B", last(log), "after the invalidation the sender's core resolves the new binding: " + log);
            assertTrue(client.lookupAll(NameService.selfName()).size() == 2);
        }
        assertThrows(IllegalArgumentException.class,
                () -> NameService.builder(ThreadedEngine.builder(topology).build()).publishTo(NameResolver.NONE));
    }

    private static String last(ConcurrentLinkedQueue<String> log) {
        String last = null;
        for (String s : log) {
            last = s;
        }
        return last;
    }

    private static void awaitLast(ConcurrentLinkedQueue<String> log, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!expected.equals(last(log)) && System.nanoTime() < deadline) {
            awaitGrowth(log);
        }
        assertEquals(expected, last(log), "log " + log);
    }

    private static void awaitGrowth(ConcurrentLinkedQueue<String> log) throws InterruptedException {
        int size = log.size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        while (log.size() == size && System.nanoTime() < deadline) {
            never.await(1, TimeUnit.MILLISECONDS);
        }
    }
}
