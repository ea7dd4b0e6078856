package dev.manycore.messaging.jcstress;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.SendRight;
import dev.manycore.messaging.SendStatus;
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
 * Two senders race into one mailbox (their claims contend on one CAS): every message is received
 * exactly once and each sender's messages arrive in its order. The outcome is the receive order;
 * every interleaving that keeps a1 before a2 and b1 before b2 is acceptable, anything else (a loss,
 * a duplicate, a reordering, a spurious FULL) is forbidden.
 */
@JCStressTest
@Description("Mailbox: no loss, no duplicate, per-sender order under two concurrent senders")
@Outcome(id = {"a1 a2 b1 b2", "a1 b1 a2 b2", "a1 b1 b2 a2", "b1 a1 a2 b2", "b1 a1 b2 a2", "b1 b2 a1 a2"},
        expect = ACCEPTABLE, desc = "each message once, each sender's order kept")
@State
public class MailboxConcurrentSendersTest {

    private final Mailbox<Object> mailbox = Mailbox.builder(new Address(new CoreId(0), 0)).capacity(4)
            .checked(false).build();
    private final SendRight<Object> a = mailbox.grant(new Address(new CoreId(1), 1));
    private final SendRight<Object> b = mailbox.grant(new Address(new CoreId(2), 2));
    private volatile boolean refused;

    @Actor
    public void senderA() {
        send(a, "a1");
        send(a, "a2");
    }

    @Actor
    public void senderB() {
        send(b, "b1");
        send(b, "b2");
    }

    private void send(SendRight<Object> right, String payload) {
        if (mailbox.send(right, payload, 0, 0) != SendStatus.DELIVERED) {
            refused = true;
        }
    }

    @Arbiter
    public void arbiter(L_Result r) {
        StringBuilder order = new StringBuilder();
        for (Envelope<Object> e = mailbox.poll(); e != null; e = mailbox.poll()) {
            if (order.length() > 0) {
                order.append(' ');
            }
            order.append(e.payload());
        }
        r.r1 = order + (refused ? " refused" : "");
    }
}
