package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendStatus;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small agents and helpers shared by the simulated-engine tests. */
final class SimAgents {

    private SimAgents() {
    }

    record Ping(int n) {
    }

    record Pong(int n) {
    }

    /** What an agent saw when it handled a message: its clock, and the envelope (detached). */
    record Seen(long at, Envelope<Object> envelope) {
        Object payload() {
            return envelope.payload();
        }
    }

    /** Answers every Ping with a Pong of the same number and correlation id, anything else with itself. */
    static final class Echo implements Agent {
        final AgentContext ctx;
        final List<Seen> seen = new ArrayList<>();
        private final MessageHandler<Object> handler;

        Echo(AgentContext ctx) {
            this(ctx, true);
        }

        /** A lean echo keeps nothing (for long runs). */
        static Echo lean(AgentContext ctx) {
            return new Echo(ctx, false);
        }

        Echo(AgentContext ctx, boolean record) {
            this.ctx = ctx;
            this.handler = e -> {
                if (record) {
                    seen.add(new Seen(ctx.now(), e.detach()));
                }
                if (e.payload() instanceof Ping p) {
                    ctx.send(e.sender(), new Pong(p.n()), e.correlationId());
                } else {
                    ctx.send(e.sender(), e.payload(), e.correlationId());
                }
            };
        }

        @Override
        public int doWork() {
            return ctx.receive(handler, 64);
        }
    }

    /** Records every message it receives, with the time it handled it. */
    static final class Recorder implements Agent {
        final AgentContext ctx;
        final List<Seen> seen = new ArrayList<>();
        long receiveFrom;

        Recorder(AgentContext ctx) {
            this(ctx, 0);
        }

        /** Receives nothing before {@code receiveFrom}, then everything. */
        Recorder(AgentContext ctx, long receiveFrom) {
            this.ctx = ctx;
            this.receiveFrom = receiveFrom;
        }

        @Override
        public int doWork() {
            if (ctx.now() < receiveFrom) {
                ctx.wakeAt(receiveFrom);
                return 0;
            }
            return ctx.receive(e -> seen.add(new Seen(ctx.now(), e.detach())), 64);
        }

        List<Object> payloads() {
            return seen.stream().map(Seen::payload).toList();
        }
    }

    /** Runs a script once, in its first duty cycle, then records what it receives. */
    static final class Scripted implements Agent {
        final AgentContext ctx;
        final List<SendStatus> statuses = new ArrayList<>();
        final List<Seen> seen = new ArrayList<>();
        private Consumer<Scripted> script;

        Scripted(AgentContext ctx, Consumer<Scripted> script) {
            this.ctx = ctx;
            this.script = script;
        }

        SendStatus send(Address to, Object payload) {
            SendStatus s = ctx.send(to, payload, 0);
            statuses.add(s);
            return s;
        }

        @Override
        public int doWork() {
            if (script != null) {
                Consumer<Scripted> s = script;
                script = null;
                s.accept(this);
            }
            return ctx.receive(e -> seen.add(new Seen(ctx.now(), e.detach())), 64);
        }
    }

    static <X extends Throwable> X thrown(Class<X> type, Executable call, String... fragments) {
        X e = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    () -> "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
        return e;
    }
}
