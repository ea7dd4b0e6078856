package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Endpoint;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendRight;
import dev.manycore.messaging.SendStatus;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;
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

/**
 * One sender, one receiver through {@link Endpoint}s, three ways in the same run: with a channel
 * open (the SPSC fast path), without one (the destination's mailbox), and the raw JCTools
 * {@code SpscVarHandleArrayQueue} as the baseline. All rings have {@value #CAPACITY} slots. The
 * sender's code is the same {@code Endpoint.send} call for the channel and the mailbox: only the
 * transport differs.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChannelBenchmark {

    static final int CAPACITY = 1024;
    static final int BATCH = 256;
    static final MailboxOneToOneBenchmark.Ping PAYLOAD = new MailboxOneToOneBenchmark.Ping(3);

    Endpoint receiverWithChannel;
    Endpoint senderWithChannel;
    SendRight<Object> channelRight;
    Endpoint receiverWithMailbox;
    Endpoint senderWithMailbox;
    SendRight<Object> mailboxRight;
    SpscVarHandleArrayQueue<Object> queue;

    @Setup(Level.Iteration)
    public void setUp() {
        EndpointPairs pairs = EndpointPairs.open(CAPACITY);
        receiverWithChannel = pairs.receiverWithChannel();
        senderWithChannel = pairs.senderWithChannel();
        channelRight = pairs.channelRight();
        receiverWithMailbox = pairs.receiverWithMailbox();
        senderWithMailbox = pairs.senderWithMailbox();
        mailboxRight = pairs.mailboxRight();
        queue = new SpscVarHandleArrayQueue<>(CAPACITY);
    }

    /** The receiver takes ownership of both receiving endpoints' mailboxes on its own thread. */
    @State(Scope.Thread)
    public static class Receiver {
        MessageHandler<Object> handler;
        MessagePassingQueue.Consumer<Object> consumer;

        @Setup(Level.Iteration)
        public void own(ChannelBenchmark b, Blackhole bh) {
            b.receiverWithChannel.mailbox().handOver(Thread.currentThread());
            b.receiverWithMailbox.mailbox().handOver(Thread.currentThread());
            handler = e -> bh.consume(e.payload());
            consumer = bh::consume;
        }
    }

    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public void channelSend(Control control) {
        while (senderWithChannel.send(channelRight, PAYLOAD, 1L, 0L) != SendStatus.DELIVERED && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public int channelReceive(Receiver r) {
        return receiverWithChannel.receive(r.handler, BATCH);
    }

    @Benchmark
    @Group("mailbox")
    @GroupThreads(1)
    public void mailboxSend(Control control) {
        while (senderWithMailbox.send(mailboxRight, PAYLOAD, 1L, 0L) != SendStatus.DELIVERED && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("mailbox")
    @GroupThreads(1)
    public int mailboxReceive(Receiver r) {
        return receiverWithMailbox.receive(r.handler, BATCH);
    }

    @Benchmark
    @Group("jctoolsSpsc")
    @GroupThreads(1)
    public void queueOffer(Control control) {
        while (!queue.offer(PAYLOAD) && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("jctoolsSpsc")
    @GroupThreads(1)
    public int queueDrain(Receiver r) {
        return queue.drain(r.consumer, BATCH);
    }
}
