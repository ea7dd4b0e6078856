package dev.manycore.messaging;

import dev.manycore.numa.CoreId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A mailbox against a bounded FIFO model, for any sequence of sends, drains, revocations and a close. */
class MailboxPropertiesTest {

    record Msg(int sender, int n) {
    }

    @Property
    void mailboxBehavesLikeABoundedFifoWithRights(@ForAll @IntRange(min = 1, max = 5) int capacityLog,
                                                  @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 99) Integer> ops) {
        int capacity = 1 << capacityLog;
        Mailbox<Object> mailbox = Mailbox.create(new Address(new CoreId(0), 0), capacity);
        List<SendRight<Object>> rights = new ArrayList<>();
        boolean[] revoked = new boolean[3];
        for (int s = 0; s < 3; s++) {
            rights.add(mailbox.grant(new Address(new CoreId(s + 1), s + 1)));
        }
        ArrayDeque<Msg> model = new ArrayDeque<>();
        int[] next = new int[3];
        boolean closed = false;
        for (int op : ops) {
            if (op < 60) {
                int s = op % 3;
                Msg m = new Msg(s, next[s]);
                SendStatus expected = closed ? SendStatus.CLOSED : revoked[s] ? SendStatus.DENIED
                        : model.size() == capacity ? SendStatus.FULL : SendStatus.DELIVERED;
                assertEquals(expected, mailbox.send(rights.get(s), m));
                if (expected == SendStatus.DELIVERED) {
                    model.add(m);
                    next[s]++;
                }
            } else if (op < 90) {
                int limit = 1 + op % 4;
                List<Object> got = new ArrayList<>();
                int n = mailbox.drain(e -> got.add(e.payload()), limit);
                List<Object> expected = new ArrayList<>();
                for (int i = 0; i < limit && !model.isEmpty(); i++) {
                    expected.add(model.poll());
                }
                assertEquals(expected, got);
                assertEquals(expected.size(), n);
            } else if (op < 96) {
                int s = op % 3;
                mailbox.revoke(rights.get(s));
                revoked[s] = true;
            } else if (op < 98) {
                mailbox.revokeAll();
                revoked[0] = revoked[1] = revoked[2] = true;
            } else {
                mailbox.close();
                closed = true;
            }
            assertEquals(model.size(), mailbox.size());
        }
    }
}
