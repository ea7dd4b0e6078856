package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Endpoint;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendRight;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The code path of one message, without the cores: one thread sends {@value #BATCH} messages and
 * then receives them, through an open channel, through the destination's mailbox, and through the
 * raw JCTools {@code SpscVarHandleArrayQueue} (the baseline). With producer and consumer on one
 * thread no cache line moves between cores, so the scores compare the instructions each transport
 * executes per message, and they are far less sensitive to other load on the machine than the
 * two-thread {@link ChannelBenchmark}. Scores are per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChannelPathBenchmark {

    static final int BATCH = 128;
    static final int CAPACITY = 256;

    EndpointPairs pairs;
    SpscVarHandleArrayQueue<Object> queue;
    MessageHandler<Object> handler;
    MessagePassingQueue.Consumer<Object> consumer;

    @Setup
    public void setUp(Blackhole bh) {
        pairs = EndpointPairs.open(CAPACITY);
        queue = new SpscVarHandleArrayQueue<>(CAPACITY);
        handler = e -> bh.consume(e.payload());
        consumer = bh::consume;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int channel() {
        return sendAndReceive(pairs.senderWithChannel(), pairs.channelRight(), pairs.receiverWithChannel());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int mailbox() {
        return sendAndReceive(pairs.senderWithMailbox(), pairs.mailboxRight(), pairs.receiverWithMailbox());
    }

    private int sendAndReceive(Endpoint sender, SendRight<Object> right, Endpoint receiver) {
        for (int i = 0; i < BATCH; i++) {
            sender.send(right, ChannelBenchmark.PAYLOAD, i, 0L);
        }
        return receiver.receive(handler, BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int jctoolsSpsc() {
        for (int i = 0; i < BATCH; i++) {
            queue.offer(ChannelBenchmark.PAYLOAD);
        }
        return queue.drain(consumer, BATCH);
    }
}
