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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Four senders, one receiver: {@link Mailbox} against the raw JCTools {@code MpscVarHandleArrayQueue}
 * in the same run, as {@link MailboxOneToOneBenchmark} but with four sender threads (each with its
 * own right). Five threads: on a host with fewer cores the run is oversubscribed, and the figures
 * say more about scheduling than about the queues; compare the two groups only with each other.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MailboxFourToOneBenchmark {

    static final int CAPACITY = 1024;
    static final int BATCH = 256;
    static final MailboxOneToOneBenchmark.Ping PAYLOAD = new MailboxOneToOneBenchmark.Ping(7);

    Mailbox<Object> mailbox;
    MpscVarHandleArrayQueue<Object> queue;
    final AtomicInteger senders = new AtomicInteger();

    @Setup(Level.Iteration)
    public void setUp() {
        mailbox = Mailbox.builder(new Address(new CoreId(0), 0)).capacity(CAPACITY).build();
        queue = new MpscVarHandleArrayQueue<>(CAPACITY);
    }

    /** Each sender thread's own right. */
    @State(Scope.Thread)
    public static class Sender {
        SendRight<Object> right;

        @Setup(Level.Iteration)
        public void grant(MailboxFourToOneBenchmark b) {
            right = b.mailbox.grant(new Address(new CoreId(1), b.senders.incrementAndGet()));
        }
    }

    /** The receiver owns the mailbox. */
    @State(Scope.Thread)
    public static class Receiver {
        MessageHandler<Object> handler;
        MessagePassingQueue.Consumer<Object> consumer;

        @Setup(Level.Iteration)
        public void own(MailboxFourToOneBenchmark b, Blackhole bh) {
            b.mailbox.handOver(Thread.currentThread());
            handler = e -> bh.consume(e.payload());
            consumer = bh::consume;
        }
    }

    @Benchmark
    @Group("mailbox")
    @GroupThreads(4)
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
    @GroupThreads(4)
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
}
