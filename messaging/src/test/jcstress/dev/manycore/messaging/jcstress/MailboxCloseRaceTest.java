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
import org.openjdk.jcstress.infra.results.LI_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

/**
 * A send races with close: either the send is DELIVERED and its message is still in the closed
 * mailbox for the owner to take, or it answers CLOSED and nothing was enqueued. Never DELIVERED and
 * lost (the closed bit in the producer index linearises close against sends).
 */
@JCStressTest
@Description("Mailbox: close is linearisable against a racing send; nothing DELIVERED is lost")
@Outcome(id = {"DELIVERED, 1", "CLOSED, 0"}, expect = ACCEPTABLE, desc = "send before or after close")
@State
public class MailboxCloseRaceTest {

    private final Mailbox<Object> mailbox = Mailbox.builder(new Address(new CoreId(0), 0)).capacity(2)
            .checked(false).build();
    private final SendRight<Object> right = mailbox.grant(new Address(new CoreId(1), 1));

    @Actor
    public void sender(LI_Result r) {
        r.r1 = mailbox.send(right, "m", 0, 0);
    }

    @Actor
    public void closer() {
        mailbox.close();
    }

    @Arbiter
    public void arbiter(LI_Result r) {
        int n = 0;
        while (mailbox.poll() != null) {
            n++;
        }
        r.r2 = n;
    }

}
