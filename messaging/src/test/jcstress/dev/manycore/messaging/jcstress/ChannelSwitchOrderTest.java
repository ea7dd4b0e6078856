package dev.manycore.messaging.jcstress;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Endpoint;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.SendRight;
import dev.manycore.numa.CoreId;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

/**
 * A sender switches its destination from mailbox to channel and back while the receiver receives:
 * m1 (mailbox), open, m2 and m3 (channel), close, m4 (mailbox). Whatever the interleaving, the
 * receiver (its own receives, then the arbiter's) sees m1 m2 m3 m4. Any other order is forbidden.
 */
@JCStressTest
@Description("Endpoint: switching mailbox -> channel -> mailbox never reorders a sender's messages")
@Outcome(id = "m1 m2 m3 m4", expect = ACCEPTABLE, desc = "sender order kept across both switches")
@State
public class ChannelSwitchOrderTest {

    private final Mailbox<Object> receiverBox = Mailbox.builder(new Address(new CoreId(0), 0)).capacity(8)
            .checked(false).build();
    private final Endpoint receiver = Endpoint.of(receiverBox);
    private final Endpoint sender = Endpoint.of(Mailbox.builder(new Address(new CoreId(1), 1)).capacity(2)
            .checked(false).build());
    private final SendRight<Object> right = receiverBox.grant(sender.address());
    private final StringBuilder order = new StringBuilder();

    @Actor
    public void send() {
        sender.send(right, "m1", 0, 0);
        sender.openChannel(right, 4, 0);
        sender.send(right, "m2", 0, 0);
        sender.send(right, "m3", 0, 0);
        sender.closeChannel(right);
        sender.send(right, "m4", 0, 0);
    }

    @Actor
    public void receive() {
        for (int i = 0; i < 4; i++) {
            receiver.receive(e -> append(e.payload()), 2);
        }
    }

    @Arbiter
    public void arbiter(L_Result r) {
        while (receiver.receive(e -> append(e.payload()), 8) > 0) {
            // drain what the receiving actor left
        }
        r.r1 = order.toString();
    }

    private void append(Object payload) {
        if (order.length() > 0) {
            order.append(' ');
        }
        order.append(payload);
    }
}
