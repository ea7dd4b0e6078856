package dev.manycore.messaging.jcstress;

import dev.manycore.messaging.Doorbell;
import dev.manycore.messaging.internal.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The channel's time marks: a send at a new send time stores its message, then a time mark before
 * it, and the mark's store publishes both.
 */
public class ChannelSendTimeTest {

    private ChannelSendTimeTest() {
    }

    /**
     * A receiver draining while the sender sends a at time 1 (a mark: the channel opened at 0), b at
     * time 2 (a mark) and c at time 2 (none): whatever prefix the receiver's drain catches, every
     * message arrives once, in order, with its own send time.
     */
    @JCStressTest
    @Description("Channel time marks: each message is received once, in order, with its own send time")
    @Outcome(id = "a@1 b@2 c@2", expect = ACCEPTABLE, desc = "order and send times kept")
    @State
    public static class Order {

        private final Channel channel = new Channel("sender", 8, null, 0);
        private final StringBuilder seen = new StringBuilder();

        @Actor
        public void send() {
            channel.offer("a", 0, 1);
            channel.offer("b", 0, 2);
            channel.offer("c", 0, 2);
        }

        @Actor
        public void receive() {
            channel.drain(this::append, 8);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            channel.drain(this::append, 8);
            r.r1 = seen.toString();
        }

        private void append(int slot) {
            if (seen.length() > 0) {
                seen.append(' ');
            }
            seen.append(channel.payloadAt(slot)).append('@').append(channel.sendTimeAt(slot));
        }
    }

    /**
     * The park/wake-up handshake when the send needs a time mark: the mark's volatile store is the
     * sender's half, so a receiver that decides to park (r1 = 0) must be woken (r2 = 0).
     */
    @JCStressTest
    @Description("Channel doorbell: no lost wake-up when the send publishes through a time mark")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "receiver saw the message and did not park")
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "receiver parked; the sender woke it")
    @Outcome(id = "0, 1", expect = FORBIDDEN, desc = "lost wake-up")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "receiver cancelled its park but stays parked")
    @State
    public static class WakeUp {

        private final Doorbell doorbell = new Doorbell(null);
        private final Channel channel = new Channel("sender", 4, doorbell, 0);

        @Actor
        public void receiver(II_Result r) {
            r.r1 = ParkHandshake.receiver(doorbell, channel);
        }

        @Actor
        public void sender() {
            channel.offer("m", 0, 7);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = ParkHandshake.stillParked(doorbell);
        }
    }
}
