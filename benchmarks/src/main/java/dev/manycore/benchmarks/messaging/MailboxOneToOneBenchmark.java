package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendRight;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.CoreId;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpscVarHandleArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.TimeUnit;

/**
 * One sender, one receiver: {@link Mailbox} (checked mode, right check, inline envelope header,
 * doorbell-free) against the raw JCTools {@code MpscVarHandleArrayQueue} of the same capacity, in
 * the same run. Each sender invocation delivers one message (spinning while the queue is full);
 * each receiver invocation drains up to {@value #BATCH}. Throughput is the sender's ops/s: one op =
 * one message accepted. The payload is one preallocated record, so {@code -prof gc} shows what the
 * transport itself allocates per message.
 *
 * <p>The {@code sameThread} pair sends {@value #BATCH} messages and drains them on one thread: the
 * instruction cost of a message without cross-core traffic or scheduling, a figure that survives a
 * loaded host where the two-thread groups mostly measure the scheduler.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MailboxOneToOneBenchmark {

    static final int CAPACITY = 1024;
    static final int BATCH = 256;

    /** The message: an immutable record, allocated once. */
    public record Ping(long n) {
    }

    static final Ping PAYLOAD = new Ping(42);

    Mailbox<Object> mailbox;
    MpscVarHandleArrayQueue<Object> queue;

    @Setup(Level.Iteration)
    public void setUp() {
        mailbox = Mailbox.builder(new Address(new CoreId(0), 0)).capacity(CAPACITY).build();
        queue = new MpscVarHandleArrayQueue<>(CAPACITY);
    }

    /** The sender's own right. */
    @State(Scope.Thread)
    public static class Sender {
        SendRight<Object> right;

        @Setup(Level.Iteration)
        public void grant(MailboxOneToOneBenchmark b) {
            right = b.mailbox.grant(new Address(new CoreId(1), 1));
        }
    }

    /** The receiver takes ownership of the mailbox on its own thread. */
    @State(Scope.Thread)
    public static class Receiver {
        MessageHandler<Object> handler;
        MessagePassingQueue.Consumer<Object> consumer;

        @Setup(Level.Iteration)
        public void own(MailboxOneToOneBenchmark b, Blackhole bh) {
            b.mailbox.handOver(Thread.currentThread());
            handler = e -> bh.consume(e.payload());
            consumer = bh::consume;
        }
    }

    @Benchmark
    @Group("mailbox")
    @GroupThreads(1)
    public void mailboxSend(Sender s, Control control) {
        while (mailbox.send(s.right, PAYLOAD, 1L, 0L) != SendStatus.DELIVERED && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("mailbox")
    @GroupThreads(1)
    public int mailboxReceive(Receiver r) {
        return mailbox.drain(r.handler, BATCH);
    }

    @Benchmark
    @Group("jctoolsMpsc")
    @GroupThreads(1)
    public void queueOffer(Control control) {
        while (!queue.offer(PAYLOAD) && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("jctoolsMpsc")
    @GroupThreads(1)
    public int queueDrain(Receiver r) {
        return queue.drain(r.consumer, BATCH);
    }

    @Benchmark
    @Group("mailboxSameThread")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public int mailboxSameThread(Sender s, Receiver r) {
        for (int i = 0; i < BATCH; i++) {
            mailbox.send(s.right, PAYLOAD, 1L, 0L);
        }
        return mailbox.drain(r.handler, BATCH);
    }

    @Benchmark
    @Group("jctoolsSameThread")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public int queueSameThread(Receiver r) {
        for (int i = 0; i < BATCH; i++) {
            queue.offer(PAYLOAD);
        }
        return queue.drain(r.consumer, BATCH);
    }
}
