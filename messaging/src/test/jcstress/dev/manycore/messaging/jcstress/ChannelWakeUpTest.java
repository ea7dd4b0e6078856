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

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The park/wake-up handshake on a channel, whose publish is a volatile slot store rather than a
 * CAS: a receiver that decides to park (r1 = 0) must be woken by the sender's ring (r2 = 0).
 */
@JCStressTest
@Description("Channel doorbell: no lost wake-up between a parking receiver and a channel sender")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "receiver saw the message and did not park")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "receiver parked; the sender woke it")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "lost wake-up")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "receiver cancelled its park but stays parked")
@State
public class ChannelWakeUpTest {

    private final Doorbell doorbell = new Doorbell(null);
    private final Channel channel = new Channel("sender", 4, doorbell, 0);

    @Actor
    public void receiver(II_Result r) {
        r.r1 = ParkHandshake.receiver(doorbell, channel);
    }

    @Actor
    public void sender() {
        channel.offer("m", 0, 0);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = ParkHandshake.stillParked(doorbell);
    }
}
