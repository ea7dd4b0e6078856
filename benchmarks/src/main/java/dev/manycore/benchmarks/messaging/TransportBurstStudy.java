package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Endpoint;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.SendRight;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.CoreId;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpscVarHandleArrayQueue;
import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 3's cross-thread ratios on a shared machine with two vCPUs: one sender thread, one receiver
 * thread, in <b>alternating bursts</b> of {@value #BURST} messages: the channel, then raw JCTools
 * {@code SpscVarHandleArrayQueue}, then the mailbox, then raw JCTools {@code MpscVarHandleArrayQueue},
 * round after round, same capacity ({@value #CAPACITY}), same batch ({@value #BATCH}), same payload,
 * the same sender loop (spin while full) and the same receiver loop (drain into a sink) as
 * {@link ChannelBenchmark} and {@link MailboxOneToOneBenchmark}. A JMH two-thread group runs one side
 * for seconds, then the other; when another process takes a vCPU in between, the two figures come
 * from different machines. Here every case sees the same minutes, and a burst in which the scheduler
 * took a thread away shows as one slow burst, not as a slow case: the upper percentiles of the
 * burst rates are the rates while both threads held a CPU, and their ratios are the figures to
 * quote (the medians are printed beside them).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.messaging.TransportBurstStudy [rounds]}
 * (default 100; the first quarter warms up and is not counted). Rates are messages per microsecond.
 */
public final class TransportBurstStudy {

    static final int BURST = 200_000;
    static final int CAPACITY = 1024;
    static final int BATCH = 256;
    private static final int SINK = 16;

    private static final String[] CASES = {"channel", "jctoolsSpsc", "mailbox", "jctoolsMpsc"};

    private final EndpointPairs pairs = EndpointPairs.open(CAPACITY);
    private final Mailbox<Object> mailbox = Mailbox.builder(new Address(new CoreId(0), 10)).capacity(CAPACITY).build();
    private final SendRight<Object> mailboxRight = mailbox.grant(new Address(new CoreId(1), 11));
    private final SpscVarHandleArrayQueue<Object> spsc = new SpscVarHandleArrayQueue<>(CAPACITY);
    private final MpscVarHandleArrayQueue<Object> mpsc = new MpscVarHandleArrayQueue<>(CAPACITY);

    /** The case the receiver serves in the current burst, or -1 to stop; set before the burst starts. */
    private final AtomicInteger burstCase = new AtomicInteger(-2);
    /** Bumped by the sender to start a burst, echoed by the receiver when it has taken all of it. */
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    /**
     * What the receiver reads of each payload, so no receive loop can be optimised away: one word in
     * the middle of its own array, off the lines of every field the sender reads.
     */
    private final long[] sink = new long[32];

    private TransportBurstStudy() {
    }

    /**
     * @param args number of rounds (each round: one burst of every case)
     * @throws InterruptedException if interrupted while joining the receiver
     */
    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        new TransportBurstStudy().run(rounds);
    }

    private void run(int rounds) throws InterruptedException {
        Thread receiver = new Thread(this::receive, "receiver");
        pairs.receiverWithChannel().mailbox().handOver(receiver);
        mailbox.handOver(receiver);
        receiver.start();
        int warm = rounds / 4;
        double[][] rates = new double[CASES.length][rounds - warm];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < CASES.length; c++) {
                double rate = burst(c);
                if (r >= warm) {
                    rates[c][r - warm] = rate;
                }
            }
        }
        burstCase.set(-1);
        started.incrementAndGet();
        receiver.join();
        if (sink[SINK] != (long) rounds * CASES.length * BURST * ChannelBenchmark.PAYLOAD.n()) {
            throw new IllegalStateException("the receiver read " + sink[SINK] + ": messages lost or duplicated");
        }
        System.out.printf("%-12s %8s %8s %8s   (messages/us, %d bursts of %d, after %d warm-up rounds)%n",
                "case", "p50", "p75", "p90", rounds - warm, BURST, warm);
        double[][] q = new double[CASES.length][];
        for (int c = 0; c < CASES.length; c++) {
            Arrays.sort(rates[c]);
            q[c] = new double[] {at(rates[c], 0.5), at(rates[c], 0.75), at(rates[c], 0.9)};
            System.out.printf("%-12s %8.1f %8.1f %8.1f%n", CASES[c], q[c][0], q[c][1], q[c][2]);
        }
        for (int c = 0; c < CASES.length; c += 2) {
            System.out.printf("%s / %s: p50 %.2f, p75 %.2f, p90 %.2f%n", CASES[c], CASES[c + 1], q[c][0] / q[c + 1][0],
                    q[c][1] / q[c + 1][1], q[c][2] / q[c + 1][2]);
        }
    }

    private static double at(double[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (quantile * sorted.length))];
    }

    /** Sender side of one burst: its rate, from the start signal to the receiver's last message. */
    private double burst(int c) {
        burstCase.set(c);
        int expected = finished.get() + 1;
        long t0 = System.nanoTime();
        started.incrementAndGet();
        switch (c) {
            case 0 -> sendChannel();
            case 1 -> sendSpsc();
            case 2 -> sendMailbox();
            default -> sendMpsc();
        }
        while (finished.get() != expected) {
            Thread.onSpinWait();
        }
        return BURST / ((System.nanoTime() - t0) / 1000.0);
    }

    private void sendChannel() {
        Endpoint sender = pairs.senderWithChannel();
        SendRight<Object> right = pairs.channelRight();
        for (int i = 0; i < BURST; i++) {
            while (sender.send(right, ChannelBenchmark.PAYLOAD, 1L, 0L) != SendStatus.DELIVERED) {
                Thread.onSpinWait();
            }
        }
    }

    private void sendSpsc() {
        for (int i = 0; i < BURST; i++) {
            while (!spsc.offer(ChannelBenchmark.PAYLOAD)) {
                Thread.onSpinWait();
            }
        }
    }

    private void sendMailbox() {
        for (int i = 0; i < BURST; i++) {
            while (mailbox.send(mailboxRight, ChannelBenchmark.PAYLOAD, 1L, 0L) != SendStatus.DELIVERED) {
                Thread.onSpinWait();
            }
        }
    }

    private void sendMpsc() {
        for (int i = 0; i < BURST; i++) {
            while (!mpsc.offer(ChannelBenchmark.PAYLOAD)) {
                Thread.onSpinWait();
            }
        }
    }

    // One method per case on both sides, so that each loop is compiled on its own profile and a change
    // in one transport's code cannot change how another case's loop is inlined.

    private void receiveChannel(MessageHandler<Object> handler) {
        Endpoint receiver = pairs.receiverWithChannel();
        for (int n = 0; n < BURST; ) {
            n += receiver.receive(handler, BATCH);
        }
    }

    private void receiveSpsc(MessagePassingQueue.Consumer<Object> consumer) {
        for (int n = 0; n < BURST; ) {
            n += spsc.drain(consumer, BATCH);
        }
    }

    private void receiveMailbox(MessageHandler<Object> handler) {
        for (int n = 0; n < BURST; ) {
            n += mailbox.drain(handler, BATCH);
        }
    }

    private void receiveMpsc(MessagePassingQueue.Consumer<Object> consumer) {
        for (int n = 0; n < BURST; ) {
            n += mpsc.drain(consumer, BATCH);
        }
    }

    /** Receiver thread: waits for each burst, takes all of it, reports, until told to stop. */
    private void receive() {
        MessageHandler<Object> handler = e -> sink[SINK] += ((MailboxOneToOneBenchmark.Ping) e.payload()).n();
        MessagePassingQueue.Consumer<Object> consumer = p -> sink[SINK] += ((MailboxOneToOneBenchmark.Ping) p).n();
        int seen = 0;
        while (true) {
            while (started.get() == seen) {
                Thread.onSpinWait();
            }
            seen++;
            int c = burstCase.get();
            if (c < 0) {
                return;
            }
            switch (c) {
                case 0 -> receiveChannel(handler);
                case 1 -> receiveSpsc(consumer);
                case 2 -> receiveMailbox(handler);
                default -> receiveMpsc(consumer);
            }
            finished.incrementAndGet();
        }
    }
}
