package dev.manycore.messaging;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineNamesTest {

    private static final Topology MESH = Topology.tsar(2, 2);
    private static final Name SERVICE = Name.of("/test/echo");

    /** Records what it receives. */
    static Agent sink(AgentContext ctx, List<Object> received) {
        return () -> ctx.receive(e -> received.add(e.payload()), 16);
    }

    @Test
    void sendToANameResolvesOnceAndThenHitsTheCache() throws Exception {
        AtomicInteger resolutions = new AtomicInteger();
        AtomicReference<Address> target = new AtomicReference<>();
        NameResolver resolver = (name, requester) -> {
            resolutions.incrementAndGet();
            return Optional.of(new NameBinding(name, target.get(), 1));
        };
        List<Object> received = new CopyOnWriteArrayList<>();
        try (ThreadedEngine engine = ThreadedEngine.builder(MESH).workers(2).nameResolver(resolver).build()) {
            target.set(engine.spawn(MESH.core(15), ctx -> sink(ctx, received)));
            CompletableFuture<Long> hits = new CompletableFuture<>();
            engine.spawn(MESH.core(0), ctx -> new Agent() {
                int sent;

                @Override
                public int doWork() {
                    if (sent < 3) {
                        assertEquals(SendStatus.DELIVERED, ctx.send(SERVICE, "m" + sent, 0));
                        sent++;
                        return 1;
                    }
                    hits.complete(ctx.nameCache().hits());
                    return 0;
                }
            });
            engine.start();

            assertEquals(2L, hits.get(60, TimeUnit.SECONDS));
            assertEquals(1, resolutions.get());
            waitFor(() -> received.size() == 3);
            assertEquals(List.of("m0", "m1", "m2"), received);
        }
    }

    @Test
    void closedAnswerInvalidatesTheEntryAndResolvesOnceMore() throws Exception {
        List<Object> received = new CopyOnWriteArrayList<>();
        AtomicReference<Address> moved = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        NameResolver resolver = (name, requester) -> Optional.of(calls.incrementAndGet() == 1
                // first answer: a mailbox that is gone
                ? new NameBinding(name, new Address(MESH.core(9), 4242), 1)
                : new NameBinding(name, moved.get(), 2));
        try (ThreadedEngine engine = ThreadedEngine.builder(MESH).workers(1).nameResolver(resolver).build()) {
            moved.set(engine.spawn(MESH.core(9), ctx -> sink(ctx, received)));
            CompletableFuture<SendStatus> status = new CompletableFuture<>();
            CompletableFuture<NameBinding> cached = new CompletableFuture<>();
            engine.spawn(MESH.core(0), ctx -> () -> {
                if (!status.isDone()) {
                    status.complete(ctx.send(SERVICE, "redirected", 0));
                    cached.complete(ctx.nameCache().lookup(SERVICE));
                }
                return 0;
            });
            engine.start();

            assertEquals(SendStatus.DELIVERED, status.get(60, TimeUnit.SECONDS));
            assertEquals(2, calls.get());
            assertEquals(2, cached.get(60, TimeUnit.SECONDS).version());
            waitFor(() -> received.size() == 1);
            assertEquals(List.of("redirected"), received);
        }
    }

    @Test
    void unboundNameThrowsNamingTheName() throws Exception {
        try (ThreadedEngine engine = ThreadedEngine.builder(MESH).workers(1).build()) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            engine.spawn(MESH.core(0), ctx -> () -> {
                if (!thrown.isDone()) {
                    try {
                        ctx.send(SERVICE, "x", 0);
                        thrown.complete(null);
                    } catch (RuntimeException e) {
                        thrown.complete(e);
                    }
                }
                return 0;
            });
            engine.start();
            Throwable t = thrown.get(60, TimeUnit.SECONDS);
            assertInstanceOf(NameNotBoundException.class, t);
            assertTrue(t.getMessage().contains("/test/echo"), t.getMessage());
        }
    }

    @Test
    void invalidationMessageIsAppliedByTheCachesOwnCoreAndNotHandedToTheAgent() throws Exception {
        List<Object> received = new CopyOnWriteArrayList<>();
        AtomicReference<Address> target = new AtomicReference<>();
        NameResolver resolver = (name, requester) -> Optional.of(new NameBinding(name, target.get(), 3));
        try (ThreadedEngine engine = ThreadedEngine.builder(MESH).workers(2).nameResolver(resolver).build()) {
            target.set(engine.spawn(MESH.core(12), ctx -> sink(ctx, new CopyOnWriteArrayList<>())));
            CompletableFuture<Address> client = new CompletableFuture<>();
            CompletableFuture<Integer> sizeAfter = new CompletableFuture<>();
            engine.spawn(MESH.core(0), ctx -> new Agent() {
                boolean sent;

                @Override
                public int doWork() {
                    if (!sent) {
                        ctx.send(SERVICE, "fill the cache", 0);
                        sent = true;
                        client.complete(ctx.address());
                    }
                    int n = ctx.receive(e -> received.add(e.payload()), 8);
                    if (ctx.nameCache().size() == 0 && !sizeAfter.isDone()) {
                        sizeAfter.complete(0);
                    }
                    return n;
                }
            });
            // the resolver's side: a server that tells the client its mapping is stale
            Address clientAddress;
            engine.start();
            clientAddress = client.get(60, TimeUnit.SECONDS);
            engine.spawn(MESH.core(5), ctx -> new Agent() {
                boolean sent;

                @Override
                public int doWork() {
                    if (!sent) {
                        sent = ctx.send(clientAddress, new NameInvalidation(SERVICE, 3)) == SendStatus.DELIVERED;
                        ctx.send(clientAddress, "after");
                        return 1;
                    }
                    return 0;
                }
            });

            assertEquals(0, sizeAfter.get(60, TimeUnit.SECONDS));
            waitFor(() -> received.size() == 1);
            assertEquals(List.of("after"), received);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(1);
        }
    }
}
