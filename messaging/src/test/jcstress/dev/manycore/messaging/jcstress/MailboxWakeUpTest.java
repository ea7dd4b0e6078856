package dev.manycore.messaging.jcstress;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Doorbell;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.SendRight;
import dev.manycore.numa.CoreId;
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
 * The park/wake-up handshake on a mailbox: the owner announces it parks and re-checks the mailbox;
 * a sender enqueues and rings. A lost wake-up is the owner deciding to park (r1 = 0) while the
 * doorbell is still in the parked state at the end (r2 = 1): nobody would ever unpark it.
 */
@JCStressTest
@Description("Mailbox doorbell: no lost wake-up between a parking owner and a sender")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "owner saw the message and did not park")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "owner parked; the sender saw it and woke it")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "lost wake-up: owner parked, nobody woke it")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "owner cancelled its park but stays parked")
@State
public class MailboxWakeUpTest {

    private final Doorbell doorbell = new Doorbell(null);
    private final Mailbox<Object> mailbox = Mailbox.builder(new Address(new CoreId(0), 0)).capacity(2)
            .checked(false).doorbell(doorbell).build();
    private final SendRight<Object> right = mailbox.grant(new Address(new CoreId(1), 1));

    @Actor
    public void owner(II_Result r) {
        r.r1 = ParkHandshake.receiver(doorbell, mailbox);
    }

    @Actor
    public void sender() {
        mailbox.send(right, "m", 0, 0);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = ParkHandshake.stillParked(doorbell);
    }
}
