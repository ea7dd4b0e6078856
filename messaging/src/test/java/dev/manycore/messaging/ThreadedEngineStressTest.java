package dev.manycore.messaging;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stress test: 8 senders x 1,000,000 messages into one mailbox on the threaded engine;
 * every message received exactly once, in order per sender.
 */
@Tag("stress")
class ThreadedEngineStressTest {

    private static final int SENDERS = 8;
    private static final int MESSAGES = 1_000_000;

    record Seq(int sender, int n) {
    }

    /** Receives until every sender's last message arrived; fails the future on the first gap or duplicate. */
    static final class Checker implements Agent {
        private final AgentContext ctx;
        private final int[] next = new int[SENDERS];
        private final CompletableFuture<Long> done;
        private final MessageHandler<Object> handler;
        private long received;

        Checker(AgentContext ctx, CompletableFuture<Long> done) {
            this.ctx = ctx;
            this.done = done;
            this.handler = e -> {
                Seq s = (Seq) e.payload();
                if (s.n() != next[s.sender()]) {
                    done.completeExceptionally(new AssertionError("sender " + s.sender() + ": expected message "
                            + next[s.sender()] + ", received " + s.n()));
                }
                next[s.sender()] = s.n() + 1;
                received++;
            };
        }

        @Override
        public int doWork() {
            int n = ctx.receive(handler, 256);
            if (received == (long) SENDERS * MESSAGES) {
                done.complete(received);
            }
            return n;
        }
    }

    /** Sends its numbered messages as fast as the mailbox accepts them. */
    static final class Sender implements Agent {
        private final AgentContext ctx;
        private final Address to;
        private final int id;
        private int n;

        Sender(AgentContext ctx, Address to, int id) {
            this.ctx = ctx;
            this.to = to;
            this.id = id;
        }

        @Override
        public int doWork() {
            int sent = 0;
            while (n < MESSAGES && sent < 128) {
                if (ctx.send(to, new Seq(id, n)) != SendStatus.DELIVERED) {
                    return sent + 1;
                }
                n++;
                sent++;
            }
            return sent;
        }
    }

    @Test
    void eightSendersOfAMillionMessagesIntoOneMailboxLoseNothingAndKeepEachSendersOrder() throws Exception {
        Topology mesh = Topology.tsar(4, 4);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(2).mailboxCapacity(4096).build()) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            Address checker = engine.spawn(mesh.core(0), ctx -> new Checker(ctx, done));
            for (int s = 0; s < SENDERS; s++) {
                int id = s;
                // spread the senders over both workers and over near and far clusters
                engine.spawn(mesh.core(s * 8 + 3), ctx -> new Sender(ctx, checker, id));
            }
            engine.start();

            assertEquals((long) SENDERS * MESSAGES, done.get(180, TimeUnit.SECONDS));

            ShutdownReport report = engine.shutdown();
            assertTrue(report.workersJoined());
            assertEquals(0, report.undelivered());
            assertEquals((long) SENDERS * MESSAGES, engine.traffic().messages());
        }
    }
}
