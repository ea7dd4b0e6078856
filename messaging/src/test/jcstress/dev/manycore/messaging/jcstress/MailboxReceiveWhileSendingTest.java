package dev.manycore.messaging.jcstress;

import dev.manycore.messaging.Address;
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
 * The owner drains while a sender sends three messages through a ring of capacity 2 (so the
 * sender also meets FULL and retries): the owner's receives, then the arbiter's, see m1 m2 m3 with
 * complete headers, each once. Exercises publication of the inline header and slot reuse.
 */
@JCStressTest
@Description("Mailbox: per-sender order and complete headers while the owner receives concurrently")
@Outcome(id = "m1:1 m2:2 m3:3", expect = ACCEPTABLE, desc = "order kept, header published with the payload")
@Outcome(id = "m1:1 m2:2 full", expect = ACCEPTABLE,
        desc = "the owner finished before the sender's third send found room: FULL reported, nothing lost")
@State
public class MailboxReceiveWhileSendingTest {

    private final Mailbox<Object> mailbox = Mailbox.builder(new Address(new CoreId(0), 0)).capacity(2)
            .checked(false).build();
    private final SendRight<Object> right = mailbox.grant(new Address(new CoreId(1), 1));
    private final StringBuilder order = new StringBuilder();
    private volatile boolean gaveUp;

    @Actor
    public void sender() {
        for (int i = 1; i <= 3 && !gaveUp; i++) {
            int tries = 0;
            while (!mailbox.send(right, "m" + i, i, i).isDelivered()) {
                if (++tries == 1000) {
                    gaveUp = true;
                    break;
                }
                Thread.onSpinWait();
            }
        }
    }

    @Actor
    public void owner() {
        for (int i = 0; i < 3; i++) {
            mailbox.drain(e -> append(e.payload() + ":" + e.correlationId()), 2);
        }
    }

    @Arbiter
    public void arbiter(L_Result r) {
        while (mailbox.drain(e -> append(e.payload() + ":" + e.correlationId()), 8) > 0) {
            // take what the owner left
        }
        r.r1 = order + (gaveUp ? " full" : "");
    }

    private void append(String s) {
        if (order.length() > 0) {
            order.append(' ');
        }
        order.append(s);
    }
}
