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
 * A full channel's producer racing a draining consumer: the producer finds room either through its
 * look-ahead slot or through the consumer's released index, and in neither case overwrites a slot
 * the consumer has not taken. The ring (8 slots, look-ahead 2) starts full: messages 0 to 6, the
 * last slot kept for closing. The consumer takes three; the producer offers a, b, c and d once each.
 * Exactly three slots come free, so at most three offers succeed, and whatever succeeds arrives after
 * 6, in order, once. Outcome: (offers accepted, 1 when the receiver's whole sequence is right).
 */
@JCStressTest
@Description("Channel near full: the producer reuses only released slots; no loss, no duplicate, order kept")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "no room seen yet: every offer refused")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "room for one seen")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "room for two seen")
@Outcome(id = "3, 1", expect = ACCEPTABLE, desc = "all three released slots reused")
@State
public class ChannelFullRingTest {

    private static final String[] OFFERS = {"a", "b", "c", "d"};

    private final Channel channel = new Channel("sender", 8, null, 0);
    private final StringBuilder accepted = new StringBuilder();
    private final StringBuilder seen = new StringBuilder();
    private final int filled;

    /** Fills the ring. */
    public ChannelFullRingTest() {
        int n = 0;
        while (channel.offer(Integer.toString(n), 0, 0)) {
            n++;
        }
        filled = n;
    }

    @Actor
    public void receive() {
        channel.drain(this::append, 3);
    }

    @Actor
    public void send(II_Result r) {
        for (String offer : OFFERS) {
            if (channel.offer(offer, 0, 0)) {
                accepted.append(offer);
                r.r1++;
            }
        }
    }

    @Arbiter
    public void arbiter(II_Result r) {
        channel.drain(this::append, 16);
        r.r2 = filled == 7 && seen.toString().equals("0123456" + accepted) ? 1 : 0;
    }

    private void append(int slot) {
        seen.append(channel.payloadAt(slot));
    }
}
