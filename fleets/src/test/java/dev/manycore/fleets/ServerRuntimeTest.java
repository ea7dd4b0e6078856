package dev.manycore.fleets;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerRuntimeTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    record Add(int a, int b) implements Request<Sum> {
    }

    record Sum(int value) {
    }

    record Fail(String why) implements Request<Sum> {
    }

    record Silent() implements Request<Sum> {
    }

    /** Asks the adder at {@code to} for a + b, then adds c: a continuation on the same server. */
    record AddThree(Address to, int a, int b, int c) implements Request<Sum> {
    }

    record Ticks(int count, long periodNs) implements Request<Sum> {
    }

    record WhereAmI() implements Request<String> {
    }

    static final class Adder implements Server {
        private ServerContext ctx;
        private final List<String> continuationThreads = new ArrayList<>();

        @Override
        public void start(ServerContext context, Handlers handlers) {
            this.ctx = context;
            handlers.on(Add.class, (r, c) -> new Sum(r.a() + r.b()))
                    .on(Fail.class, (r, c) -> {
                        throw new IllegalStateException("refused: " + r.why());
                    })
                    .on(Silent.class, (r, c) -> null)
                    .on(AddThree.class, (r, c) -> ctx.call(r.to(), new Add(r.a(), r.b()), Duration.ofSeconds(10))
                            .thenApply(s -> new Sum(s.value() + r.c())))
                    .on(Ticks.class, (r, c) -> {
                        CompletableFuture<Sum> done = new CompletableFuture<>();
                        int[] n = {0};
                        ScheduledTimer[] t = new ScheduledTimer[1];
                        t[0] = ctx.every(r.periodNs(), () -> {
                            if (++n[0] == r.count()) {
                                t[0].cancel();
                                done.complete(new Sum(n[0]));
                            }
                        });
                        return done;
                    })
                    .on(WhereAmI.class, (r, c) -> ctx.address() + " " + ctx.core() + " " + ctx.cluster());
        }
    }

    ThreadedEngine engine;
    Client client;

    @BeforeEach
    void start() {
        engine = ThreadedEngine.builder(Topology.tsar(2, 2)).workers(2).build();
        engine.start();
        client = Client.open(engine, engine.topology().core(0));
    }

    @AfterEach
    void stop() {
        engine.shutdown();
    }

    private Address spawn(int core) {
        return engine.spawn(engine.topology().core(core), ctx ->
                new dev.manycore.fleets.internal.ServerRuntime(ctx, new Adder(), 7, new dev.manycore.fleets.internal.ServerControl()));
    }

    @Test
    void handlerReplyReachesTheTypedCaller() {
        Address adder = spawn(5);
        Sum s = client.callAndWait(adder, new Add(2, 3), WAIT);
        assertEquals(5, s.value());
    }

    @Test
    void throwingHandlerSendsErrorWithTypeAndMessageAndKeepsServing() {
        Address adder = spawn(5);
        RemoteFailureException e = assertThrows(RemoteFailureException.class,
                () -> client.callAndWait(adder, new Fail("no"), WAIT));
        assertEquals(IllegalStateException.class.getName(), e.remoteType());
        assertEquals("refused: no", e.remoteMessage());
        assertEquals(9, client.callAndWait(adder, new Add(4, 5), WAIT).value());
    }

    @Test
    void continuationCompletesOnTheSameServerWithTheOtherServersReply() {
        Address first = spawn(5);
        Address second = spawn(9);
        assertEquals(10, client.callAndWait(first, new AddThree(second, 1, 2, 7), WAIT).value());
    }

    @Test
    void callWithoutReplyFailsWithTimeout() {
        Address adder = spawn(5);
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> client.callAndWait(adder, new Silent(), Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("Silent"), e.getMessage());
        assertEquals(3, client.callAndWait(adder, new Add(1, 2), WAIT).value());
    }

    @Test
    void closedClientFailsItsWaitingCallRefusesNewOnesAndItsMailboxCloses() throws Exception {
        Address adder = spawn(5);
        CompletableFuture<Void> arrived = new CompletableFuture<>();
        Server neverAnswers = (context, handlers) -> handlers.on(Silent.class, (r, c) -> {
            arrived.complete(null);
            return null;
        });
        Address silent = engine.spawn(engine.topology().core(6), ctx ->
                new dev.manycore.fleets.internal.ServerRuntime(ctx, neverAnswers, 7,
                        new dev.manycore.fleets.internal.ServerControl()));
        Client closing = Client.open(engine, engine.topology().core(1));
        assertEquals(3, closing.callAndWait(adder, new Add(1, 2), WAIT).value());
        CompletableFuture<Sum> waiting = closing.call(silent, new Silent(), Duration.ofMinutes(5));
        arrived.get(60, java.util.concurrent.TimeUnit.SECONDS);

        closing.close();

        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> waiting.get(60, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof UndeliverableException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("Silent"), e.getCause().getMessage());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> closing.call(adder, new Add(1, 1), WAIT));
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        assertEquals(dev.manycore.messaging.SendStatus.CLOSED, engine.inject(adder, closing.address(), "late", 0));
        assertTrue(closing.isClosed());
        closing.close();
        assertEquals(7, client.callAndWait(adder, new Add(3, 4), WAIT).value(), "the other client is unaffected");
    }

    @Test
    void periodicTimerFiresUntilCancelled() {
        Address adder = spawn(5);
        assertEquals(5, client.callAndWait(adder, new Ticks(5, 1_000_000), WAIT).value());
    }

    @Test
    void callToAClosedAddressFailsAsUndeliverable() {
        Address nowhere = new Address(engine.topology().core(3), 999_999);
        assertThrows(UndeliverableException.class, () -> client.callAndWait(nowhere, new Add(1, 1), WAIT));
    }

    @Test
    void contextReportsAddressCoreAndCluster() {
        Address adder = spawn(5);
        String where = client.callAndWait(adder, new WhereAmI(), WAIT);
        assertEquals(adder + " " + adder.core() + " " + engine.topology().clusterOf(adder.core()), where);
    }

    @Test
    void manyConcurrentCallsAllComplete() {
        Address adder = spawn(5);
        List<CompletableFuture<Sum>> all = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            all.add(client.call(adder, new Add(i, 1), WAIT));
        }
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, Client.await(all.get(i)).value());
        }
    }

    @Test
    void seededRandomRepeatsFromItsSeed() {
        SeededRandom a = SeededRandom.derived(1, 2);
        SeededRandom b = SeededRandom.derived(1, 2);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        assertThrows(IllegalArgumentException.class, () -> a.nextInt(0));
    }
}
