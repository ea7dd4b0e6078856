package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Endpoint;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendRight;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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
 * two-thread {@link ChannelBenchmark}. Scores are per message. {@link #channel} sends every message
 * at one send time; {@link #channelTimePerBatch} at a new time every batch, as the engine stamps a
 * duty cycle's sends.
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
    /** The send time of {@link #channelTimePerBatch}'s current batch. */
    long cycle;

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

    /**
     * As {@link #channel}, with the engine's send times: one time per batch (a duty cycle), a new
     * one at every batch.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int channelTimePerBatch() {
        return sendAndReceive(pairs.senderWithChannel(), pairs.channelRight(), pairs.receiverWithChannel(), ++cycle);
    }

    private int sendAndReceive(Endpoint sender, SendRight<Object> right, Endpoint receiver) {
        return sendAndReceive(sender, right, receiver, 0L);
    }

    /**
     * Compiled on its own, never inlined into a benchmark method: whether C2 inlined it depended on
     * its compiled size (InlineSmallCode), so a few bytes less in the send path could change the
     * compiled shape of the whole loop (the mailbox case moved from 7.6 to 10.4 ns a message on
     * such a change, session 12). One call per batch of {@value #BATCH} messages.
     */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private int sendAndReceive(Endpoint sender, SendRight<Object> right, Endpoint receiver, long sendTime) {
        for (int i = 0; i < BATCH; i++) {
            sender.send(right, ChannelBenchmark.PAYLOAD, i, sendTime);
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
