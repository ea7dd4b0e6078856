package dev.manycore.messaging.jcstress;

import dev.manycore.messaging.internal.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

/**
 * The consumer's chunks: a drain that finds the slot {@code CHUNK - 1} ahead published takes the
 * slots before it with plain loads, and frees them with plain stores after a release fence. The
 * ring (32 slots) starts with 18 messages in it, so the racing drain can take a chunk at once; the
 * sender adds 24 more, each with its own correlation id, at a new send time every 6 (time marks,
 * which are published after the message behind them), refusing none it has room for; the receiver
 * drains twice while it sends, the arbiter takes the rest. Outcome: (1 when every accepted message
 * arrived once, in order, 1 when each came with its own correlation id and send time).
 */
@JCStressTest
@Description("Channel chunks: no loss, no duplicate, order and headers kept when a chunk races the sender")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "every message once, in order, with its own headers")
@State
public class ChannelChunkTest {

    private static final int PREFILLED = 18;
    private static final int SENT = 24;

    private final Channel channel = new Channel("sender", 32, null, 0);
    private final StringBuilder accepted = new StringBuilder();
    private final StringBuilder seen = new StringBuilder();
    private boolean headersKept = true;

    /** Fills the first messages, all at the opening time. */
    public ChannelChunkTest() {
        for (int i = 0; i < PREFILLED; i++) {
            if (!channel.offer(i, i, 0)) {
                throw new IllegalStateException("ring full after " + i);
            }
            accepted.append(i).append(' ');
        }
    }

    @Actor
    public void send() {
        for (int i = PREFILLED; i < PREFILLED + SENT; i++) {
            if (channel.offer(i, i, timeOf(i))) {
                accepted.append(i).append(' ');
            }
        }
    }

    @Actor
    public void receive() {
        channel.drain(this::take, 64);
        channel.drain(this::take, 64);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        channel.drain(this::take, 64);
        r.r1 = seen.toString().equals(accepted.toString()) ? 1 : 0;
        r.r2 = headersKept ? 1 : 0;
    }

    private static long timeOf(int i) {
        return i < PREFILLED ? 0 : i / 6;
    }

    private void take(int slot) {
        int i = (Integer) channel.payloadAt(slot);
        seen.append(i).append(' ');
        if (channel.correlationAt(slot) != i || channel.sendTimeAt(slot) != timeOf(i)) {
            headersKept = false;
        }
    }
}
