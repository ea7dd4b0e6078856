package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.jctools.queues.varhandle.MpscVarHandleArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request/reply round trip between two agents on different workers of the {@link ThreadedEngine}
 * (sends by address through each agent's context, mailboxes, duty cycles, idle back-off, traffic
 * accounting), against a raw ping-pong of two busy-spinning threads over two JCTools
 * {@code MpscVarHandleArrayQueue}s, in the same run. One op = one round trip; each invocation runs
 * {@value #ROUNDS} of them and the benchmark thread waits (parked) for the last.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoundTripBenchmark {

    static final int ROUNDS = 10_000;

    /** Starts a burst of round trips. */
    public record Start(int rounds) {
    }

    /** The request and, echoed back, the reply. */
    public record Ping(int n) {
    }

    static final Ping PING = new Ping(1);

    /** Two agents on a 16-core mesh: the pinger on core 0 (worker 0), the echo on core 15 (worker 1). */
    @State(Scope.Benchmark)
    public static class Engine {
        ThreadedEngine engine;
        Address pinger;
        volatile CountDownLatch done;

        @Setup(Level.Trial)
        public void start() {
            Topology mesh = Topology.tsar(2, 2);
            engine = ThreadedEngine.builder(mesh).workers(2).build();
            Address echo = engine.spawn(mesh.core(15), Echo::new);
            pinger = engine.spawn(mesh.core(0), ctx -> new Pinger(ctx, echo, this));
            engine.start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            engine.shutdown();
        }
    }

    static final class Echo implements Agent {
        private final AgentContext ctx;
        private final MessageHandler<Object> handler;

        Echo(AgentContext ctx) {
            this.ctx = ctx;
            this.handler = e -> ctx.send(e.sender(), e.payload(), e.correlationId());
        }

        @Override
        public int doWork() {
            return ctx.receive(handler, 64);
        }
    }

    static final class Pinger implements Agent {
        private final AgentContext ctx;
        private final Address echo;
        private final Engine state;
        private final MessageHandler<Object> handler;
        private int remaining;

        Pinger(AgentContext ctx, Address echo, Engine state) {
            this.ctx = ctx;
            this.echo = echo;
            this.state = state;
            this.handler = e -> {
                if (e.payload() instanceof Start s) {
                    remaining = s.rounds();
                } else if (--remaining == 0) {
                    state.done.countDown();
                    return;
                }
                if (ctx.send(echo, PING, remaining) != SendStatus.DELIVERED) {
                    throw new IllegalStateException("ping refused");
                }
            };
        }

        @Override
        public int doWork() {
            return ctx.receive(handler, 64);
        }
    }

    /** Two platform threads spinning on two queues: the floor for a round trip in Java. */
    @State(Scope.Benchmark)
    public static class Raw {
        final MpscVarHandleArrayQueue<Object> requests = new MpscVarHandleArrayQueue<>(1024);
        final MpscVarHandleArrayQueue<Object> replies = new MpscVarHandleArrayQueue<>(1024);
        final MpscVarHandleArrayQueue<Object> starts = new MpscVarHandleArrayQueue<>(16);
        volatile boolean running = true;
        volatile CountDownLatch done;
        Thread pinger;
        Thread echo;

        @Setup(Level.Trial)
        public void start() {
            echo = new Thread(() -> {
                while (running) {
                    Object m = requests.poll();
                    if (m == null) {
                        Thread.onSpinWait();
                    } else {
                        while (!replies.offer(m)) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }, "raw-echo");
            pinger = new Thread(() -> {
                while (running) {
                    Object s = starts.poll();
                    if (s == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    for (int left = ((Start) s).rounds(); left > 0 && running; left--) {
                        requests.offer(PING);
                        Object reply;
                        while ((reply = replies.poll()) == null && running) {
                            Thread.onSpinWait();
                        }
                    }
                    done.countDown();
                }
            }, "raw-pinger");
            echo.setDaemon(true);
            pinger.setDaemon(true);
            echo.start();
            pinger.start();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            running = false;
            echo.join();
            pinger.join();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void engineRoundTrip(Engine e) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        e.done = latch;
        if (e.engine.inject(e.pinger, e.pinger, new Start(ROUNDS), 0L) != SendStatus.DELIVERED) {
            throw new IllegalStateException("start refused");
        }
        latch.await();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void rawQueuePingPong(Raw r) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        r.done = latch;
        r.starts.offer(new Start(ROUNDS));
        latch.await();
    }
}
