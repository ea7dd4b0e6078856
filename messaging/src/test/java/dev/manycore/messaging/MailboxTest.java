package dev.manycore.messaging;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.manycore.messaging.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailboxTest {

    private static final Topology MESH = Topology.tsar(4, 4);

    record Ping(int n) {
    }

    static final class MutableBox {
        int value;
    }

    record Holder(int[] values) {
    }

    private final Address self = new Address(MESH.core(0), 0);
    private final Address sender = new Address(MESH.core(60), 1);

    private Mailbox<Object> mailbox(int capacity) {
        return Mailbox.builder(self).capacity(capacity).topology(MESH).build();
    }

    private static List<Object> drainAll(Mailbox<Object> mailbox) {
        List<Object> got = new ArrayList<>();
        mailbox.drain(e -> got.add(e.payload()), Integer.MAX_VALUE);
        return got;
    }

    @Test
    void deliveredMessageIsReceivedWithItsHeader() {
        Mailbox<Object> mailbox = mailbox(8);
        SendRight<Object> right = mailbox.grant(sender);

        assertEquals(SendStatus.DELIVERED, mailbox.send(right, new Ping(1), 42L, 1000L));

        Envelope<Object> e = mailbox.poll();
        assertEquals(new Ping(1), e.payload());
        assertEquals(sender, e.sender());
        assertEquals(self, e.receiver());
        assertEquals(42L, e.correlationId());
        assertEquals(1000L, e.sendTime());
        assertEquals(MESH.distance(MESH.clusterOf(sender.core()), MESH.clusterOf(self.core())), e.hops());
        assertTrue(e.hops() > 0);
        assertTrue(e.isDetached());
        assertNull(mailbox.poll());
    }

    @Test
    void headersStayExactWhenSlotsAreReusedWithRepeatedAndChangedValues() {
        Mailbox<Object> mailbox = mailbox(4);
        SendRight<Object> right = mailbox.grant(sender);
        List<long[]> got = new ArrayList<>();
        // laps of a 4-slot ring: each slot sees the value it held a lap ago, and new ones, zero and not
        for (int i = 0; i < 40; i++) {
            long correlation = i % 3 == 0 ? 0L : i / 8;
            long sendTime = i < 20 ? 500L : 500L + i;
            assertEquals(SendStatus.DELIVERED, mailbox.send(right, new Ping(i), correlation, sendTime));
            if (i % 2 == 1) {
                mailbox.drain(e -> got.add(new long[] {((Ping) e.payload()).n(), e.correlationId(), e.sendTime()}), 4);
            }
        }
        assertEquals(40, got.size());
        for (long[] g : got) {
            int i = (int) g[0];
            assertEquals(i % 3 == 0 ? 0L : i / 8, g[1], "correlation of message " + i);
            assertEquals(i < 20 ? 500L : 500L + i, g[2], "send time of message " + i);
        }
    }

    @Test
    void fullMailboxRefusesAndKeepsOrder() {
        Mailbox<Object> mailbox = mailbox(4);
        SendRight<Object> right = mailbox.grant(sender);
        for (int i = 0; i < 4; i++) {
            assertEquals(SendStatus.DELIVERED, mailbox.send(right, i));
        }

        assertEquals(SendStatus.FULL, mailbox.send(right, 99));
        assertEquals(4, mailbox.size());
        assertEquals(List.of(0, 1, 2, 3), drainAll(mailbox));
        assertEquals(SendStatus.DELIVERED, mailbox.send(right, 4));
        assertEquals(List.of(4), drainAll(mailbox));
    }

    @Test
    void closedMailboxAnswersClosedAndKeepsWhatWasAccepted() {
        Mailbox<Object> mailbox = mailbox(8);
        SendRight<Object> right = mailbox.grant(sender);
        mailbox.send(right, "before");

        mailbox.close();

        assertTrue(mailbox.isClosed());
        assertEquals(SendStatus.CLOSED, mailbox.send(right, "after"));
        assertEquals(SendStatus.CLOSED, mailbox.send(mailbox.grant(sender), "fresh right"));
        assertEquals(List.of("before"), drainAll(mailbox));
    }

    @Test
    void revokedRightIsDeniedAndOtherRightsStillSend() {
        Mailbox<Object> mailbox = mailbox(8);
        SendRight<Object> revoked = mailbox.grant(sender);
        SendRight<Object> kept = mailbox.grant(sender);

        mailbox.revoke(revoked);

        assertFalse(revoked.isValid());
        assertEquals(SendStatus.DENIED, mailbox.send(revoked, "x"));
        assertEquals(SendStatus.DELIVERED, mailbox.send(kept, "y"));
        assertEquals(List.of("y"), drainAll(mailbox));
    }

    @Test
    void revokeAllDeniesEveryEarlierRightButNotLaterOnes() {
        Mailbox<Object> mailbox = mailbox(8);
        SendRight<Object> a = mailbox.grant(sender);
        SendRight<Object> b = mailbox.grant(self);

        mailbox.revokeAll();
        SendRight<Object> later = mailbox.grant(sender);

        assertEquals(SendStatus.DENIED, mailbox.send(a, 1));
        assertEquals(SendStatus.DENIED, mailbox.send(b, 2));
        assertEquals(SendStatus.DELIVERED, mailbox.send(later, 3));
        assertEquals(List.of(3), drainAll(mailbox));
    }

    @Test
    void sendRightIsUnforgeableAndNotSerialisable() {
        assertFalse(Serializable.class.isAssignableFrom(SendRight.class));
        assertTrue(Modifier.isFinal(SendRight.class.getModifiers()));
        assertEquals(0, SendRight.class.getConstructors().length);
    }

    @Test
    void drainHandsAViewAndRespectsTheLimit() {
        Mailbox<Object> mailbox = mailbox(16);
        SendRight<Object> right = mailbox.grant(sender);
        for (int i = 0; i < 10; i++) {
            mailbox.send(right, i);
        }
        List<Object> got = new ArrayList<>();
        List<Envelope<Object>> kept = new ArrayList<>();

        int n = mailbox.drain(e -> {
            got.add(e.payload());
            kept.add(e.detach());
            assertFalse(e.isDetached());
        }, 4);

        assertEquals(4, n);
        assertEquals(List.of(0, 1, 2, 3), got);
        assertEquals(List.of(0, 1, 2, 3), kept.stream().map(Envelope::payload).toList());
        assertEquals(6, mailbox.size());
    }

    @Test
    void handlerExceptionLeavesTheRestQueued() {
        Mailbox<Object> mailbox = mailbox(8);
        SendRight<Object> right = mailbox.grant(sender);
        mailbox.send(right, 1);
        mailbox.send(right, 2);

        thrown(IllegalStateException.class, () -> mailbox.drain(e -> {
            throw new IllegalStateException("boom");
        }, 10), "boom");

        assertEquals(List.of(2), drainAll(mailbox));
    }

    // ------------------------------------------------------------ checked mode

    @Test
    void checkedModeRefusesAMutablePayloadNamingItsClass() {
        Mailbox<Object> mailbox = mailbox(8);
        SendRight<Object> right = mailbox.grant(sender);

        thrown(IllegalArgumentException.class, () -> mailbox.send(right, new MutableBox()),
                MutableBox.class.getName(), "not immutable");
        thrown(IllegalArgumentException.class, () -> mailbox.send(right, new Holder(new int[1])),
                Holder.class.getName(), "component values", "array");
        assertTrue(mailbox.isEmpty());
        assertEquals(SendStatus.DELIVERED, mailbox.send(right, new Ping(1)));
    }

    @Test
    void checkedModeAcceptsRecordsEnumsStringsAndBoxedPrimitives() {
        Mailbox<Object> mailbox = mailbox(16);
        SendRight<Object> right = mailbox.grant(sender);
        for (Object p : List.of(new Ping(1), SendStatus.FULL, "text", 7, 7L, 1.5, true, 'c', self,
                Name.of("/sys/pages"))) {
            assertEquals(SendStatus.DELIVERED, mailbox.send(right, p), "payload " + p);
        }
        assertEquals(10, mailbox.size());
    }

    @Test
    void uncheckedModeLetsAnyPayloadAndAnyThreadThrough() throws Exception {
        Mailbox<Object> mailbox = Mailbox.builder(self).capacity(8).checked(false).build();
        SendRight<Object> right = mailbox.grant(sender);
        assertEquals(SendStatus.DELIVERED, mailbox.send(right, new MutableBox()));

        Envelope<Object> got = CompletableFuture.supplyAsync(mailbox::poll).get(30, TimeUnit.SECONDS);
        assertInstanceOf(MutableBox.class, got.payload());
    }

    // ------------------------------------------------------------ bad input

    @Test
    void capacityThatIsNotAPowerOfTwoIsRefusedNamingTheValue() {
        thrown(IllegalArgumentException.class, () -> Mailbox.create(self, 1000), "capacity 1000", "power of two");
    }

    @Test
    void capacityOutOfRangeIsRefusedNamingTheRange() {
        thrown(IllegalArgumentException.class, () -> Mailbox.create(self, 1), "capacity 1 ", "out of range", "2 to 16777216");
        thrown(IllegalArgumentException.class, () -> Mailbox.create(self, 1 << 25), String.valueOf(1 << 25), "out of range");
        thrown(IllegalArgumentException.class, () -> Mailbox.create(self, -4), "-4", "out of range");
    }

    @Test
    void nullPayloadIsRefusedAndTheMailboxStaysUsable() {
        Mailbox<Object> mailbox = mailbox(8);
        SendRight<Object> right = mailbox.grant(sender);

        thrown(NullPointerException.class, () -> mailbox.send(right, null), "payload is null", self.toString());
        assertEquals(SendStatus.DELIVERED, mailbox.send(right, "ok"));
        assertEquals(List.of("ok"), drainAll(mailbox));
    }

    @Test
    void rightOfAnotherMailboxIsRefusedAndTheMailboxStaysUsable() {
        Mailbox<Object> mailbox = mailbox(8);
        Mailbox<Object> other = Mailbox.create(new Address(MESH.core(1), 9), 8);
        SendRight<Object> foreign = other.grant(sender);

        thrown(IllegalArgumentException.class, () -> mailbox.send(foreign, "x"),
                other.address().toString(), self.toString(), "only for the mailbox that granted it");
        thrown(IllegalArgumentException.class, () -> mailbox.revoke(foreign), other.address().toString());
        assertTrue(foreign.isValid());
        assertEquals(SendStatus.DELIVERED, mailbox.send(mailbox.grant(sender), "ok"));
    }

    @Test
    void receivingFromAnotherThreadIsRefusedInCheckedModeAndTheOwnerStillReceives() throws Exception {
        Mailbox<Object> mailbox = mailbox(8);
        mailbox.send(mailbox.grant(sender), "kept");

        Throwable refused = CompletableFuture.supplyAsync(() -> {
            try {
                mailbox.poll();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }).get(30, TimeUnit.SECONDS);

        assertInstanceOf(WrongThreadException.class, refused);
        assertTrue(refused.getMessage().contains(self.toString()) && refused.getMessage().contains("only its owner"),
                refused.getMessage());
        assertEquals(List.of("kept"), drainAll(mailbox));
    }

    @Test
    void nonPositiveDrainLimitIsRefused() {
        Mailbox<Object> mailbox = mailbox(8);
        thrown(IllegalArgumentException.class, () -> mailbox.drain(e -> { }, 0), "limit 0", "not positive");
    }

    @Test
    void handOverMovesTheReceiveSide() throws Exception {
        Mailbox<Object> mailbox = mailbox(8);
        mailbox.send(mailbox.grant(sender), "moved");
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread t = new Thread(() -> got.complete(mailbox.poll().payload()));
        mailbox.handOver(t);
        t.start();

        assertEquals("moved", got.get(30, TimeUnit.SECONDS));
    }
}
