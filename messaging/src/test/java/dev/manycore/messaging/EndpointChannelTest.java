package dev.manycore.messaging;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.manycore.messaging.Expect.thrown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointChannelTest {

    private static final Topology MESH = Topology.tsar(4, 4);

    private final Endpoint receiver = Endpoint.of(Mailbox.builder(new Address(MESH.core(0), 0)).capacity(64)
            .topology(MESH).build());
    private final Endpoint sender = Endpoint.of(Mailbox.builder(new Address(MESH.core(40), 1)).capacity(64)
            .topology(MESH).build());
    private final SendRight<Object> right = receiver.mailbox().grant(sender.address());
    private final List<Object> received = new ArrayList<>();

    private List<Object> receiveAll() {
        while (receiver.receive(e -> received.add(e.payload()), 3) > 0) {
            // batches of 3 to cross batch boundaries
        }
        return received;
    }

    /** A message as the chunk tests compare it: payload, correlation id and send time. */
    private static String entry(Object payload, long correlationId, long sendTime) {
        return payload + "#" + correlationId + "@" + sendTime;
    }

    private static MessageHandler<Object> recordingInto(List<String> into) {
        return e -> into.add(entry(e.payload(), e.correlationId(), e.sendTime()));
    }

    private void send(Object payload) {
        assertEquals(SendStatus.DELIVERED, sender.send(right, payload, 0, 0), "send " + payload);
    }

    @Test
    void openChannelCarriesLaterMessagesAfterEarlierMailboxMessages() {
        send(1);
        send(2);
        assertEquals(SendStatus.DELIVERED, sender.openChannel(right, 8, 0));
        assertTrue(sender.hasChannelTo(receiver.address()));
        send(3);
        send(4);

        assertEquals(List.of(1, 2, 3, 4), receiveAll());
        assertEquals(1, receiver.inboundChannels());
    }

    @Test
    void closingAChannelKeepsOrderWithLaterMailboxMessages() {
        sender.openChannel(right, 8, 0);
        send("c1");
        send("c2");
        sender.closeChannel(right);
        assertFalse(sender.hasChannelTo(receiver.address()));
        send("m1");
        send("m2");

        assertEquals(List.of("c1", "c2", "m1", "m2"), receiveAll());
        assertEquals(0, receiver.inboundChannels());
    }

    @Test
    void repeatedSwitchesInterleavedWithReceivesNeverReorder() {
        int next = 0;
        List<Object> expected = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 3; i++) {
                expected.add(next);
                send(next++);
            }
            if (round % 3 == 0) {
                receiver.receive(e -> received.add(e.payload()), 2);
            }
            if (sender.hasChannelTo(receiver.address())) {
                sender.closeChannel(right);
            } else {
                assertEquals(SendStatus.DELIVERED, sender.openChannel(right, 4, 0));
            }
        }
        assertEquals(expected, receiveAll());
    }

    @Test
    void channelMessagesCarryTheSenderHeader() {
        sender.openChannel(right, 8, 0);
        sender.send(right, "x", 77, 123);
        List<Envelope<Object>> got = new ArrayList<>();
        receiver.receive(e -> got.add(e.detach()), 10);

        Envelope<Object> e = got.getFirst();
        assertEquals(sender.address(), e.sender());
        assertEquals(receiver.address(), e.receiver());
        assertEquals(77, e.correlationId());
        assertEquals(123, e.sendTime());
        assertEquals(right.hops(), e.hops());
    }

    @Test
    void channelHeadersStayExactWhenSlotsAreReusedWithRepeatedAndChangedValues() {
        sender.openChannel(right, 8, 0);
        List<long[]> got = new ArrayList<>();
        // laps of an 8-slot ring: each slot sees the correlation it held a lap ago, and new ones,
        // zero and not; send times repeat (no time mark), then change with every message (a mark each)
        for (int i = 0; i < 60; i++) {
            long correlation = i % 3 == 0 ? 0L : i / 8;
            long sendTime = i < 30 ? 500L : 500L + i;
            assertEquals(SendStatus.DELIVERED, sender.send(right, i, correlation, sendTime), "send " + i);
            if (i % 2 == 1) {
                receiver.receive(e -> got.add(new long[] {(Integer) e.payload(), e.correlationId(), e.sendTime()}), 4);
            }
        }
        assertEquals(60, got.size());
        for (int k = 0; k < got.size(); k++) {
            long[] g = got.get(k);
            int i = (int) g[0];
            assertEquals(k, i, "order");
            assertEquals(i % 3 == 0 ? 0L : i / 8, g[1], "correlation of message " + i);
            assertEquals(i < 30 ? 500L : 500L + i, g[2], "send time of message " + i);
        }
    }

    @Test
    void channelMessagesSentAtTheOpeningTimeCarryItAndLaterTimesArriveExact() {
        sender.openChannel(right, 8, 1_000);
        sender.send(right, "a", 0, 1_000);
        sender.send(right, "b", 0, 1_000);
        sender.send(right, "c", 5, 2_000);
        sender.send(right, "d", 0, 1_500);
        List<String> got = new ArrayList<>();
        receiver.receive(e -> got.add(e.payload() + "@" + e.sendTime() + "#" + e.correlationId()), 10);

        assertEquals(List.of("a@1000#0", "b@1000#0", "c@2000#5", "d@1500#0"), got);
    }

    @Test
    void aMessageAtANewSendTimeNeedsRoomForItsTimeMarkToo() {
        sender.openChannel(right, 4, 0);
        send(1);
        send(2);
        // one data slot left (4 slots, one kept for closing): enough at the same time, not at a new one
        assertEquals(SendStatus.FULL, sender.send(right, 3, 0, 9));
        send(3);
        receiveAll();
        assertEquals(SendStatus.DELIVERED, sender.send(right, 4, 0, 9));
        List<Long> times = new ArrayList<>();
        receiver.receive(e -> times.add(e.sendTime()), 10);

        assertEquals(List.of(1, 2, 3), received);
        assertEquals(List.of(9L), times);
    }

    @Test
    void discardUndeliveredDoesNotCountTimeMarks() {
        sender.openChannel(right, 8, 0);
        sender.send(right, 1, 0, 10);
        sender.send(right, 2, 0, 20);
        receiver.mailbox().close();

        assertEquals(2, receiver.discardUndelivered());
    }

    @Test
    void aFullChannelReusesSlotsThroughItsLookAheadOrOnceABatchIsReleasedNotOneByOne() {
        sender.openChannel(right, 16, 0); // look-ahead 4
        for (int i = 0; i < 15; i++) {
            send(i);
        }
        assertEquals(SendStatus.FULL, sender.send(right, 99, 0, 0));
        List<SendStatus> duringBatch = new ArrayList<>();
        receiver.receive(e -> {
            received.add(e.payload());
            duringBatch.add(sender.send(right, 100 + (int) e.payload(), 0, 0));
        }, 5);
        // while handling messages 0 to 3, slots 0 to 2 are free but not released: the sender does not creep
        // into them one at a time; at message 4 its look-ahead slot (3) is free, which frees 4 slots at once
        assertEquals(List.of(SendStatus.FULL, SendStatus.FULL, SendStatus.FULL, SendStatus.FULL, SendStatus.DELIVERED),
                duringBatch);
        for (int i = 15; i < 19; i++) {
            send(i);
        }
        assertEquals(SendStatus.FULL, sender.send(right, 99, 0, 0));
        receiver.receive(e -> received.add(e.payload()), 2);
        // the end of that batch released its two slots, although the look-ahead slot is still taken
        send(19);
        send(20);
        assertEquals(SendStatus.FULL, sender.send(right, 99, 0, 0));

        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            expected.add(i);
        }
        expected.add(104);
        for (int i = 15; i < 21; i++) {
            expected.add(i);
        }
        assertEquals(expected, receiveAll());
    }

    @Test
    void fullChannelAnswersFullAndKeepsOneSlotForClosing() {
        sender.openChannel(right, 4, 0);
        send(1);
        send(2);
        send(3);
        assertEquals(SendStatus.FULL, sender.send(right, 4, 0, 0));
        sender.closeChannel(right);
        send(5);

        assertEquals(List.of(1, 2, 3, 5), receiveAll());
    }

    @Test
    void channelToAClosedMailboxAnswersClosedAndARevokedRightIsDenied() {
        sender.openChannel(right, 8, 0);
        receiver.mailbox().revoke(right);
        assertEquals(SendStatus.DENIED, sender.send(right, "x", 0, 0));
        receiver.mailbox().close();
        assertEquals(SendStatus.CLOSED, sender.send(right, "y", 0, 0));
    }

    @Test
    void checkedModeRefusesMutablePayloadsOnTheChannelToo() {
        sender.openChannel(right, 8, 0);
        thrown(IllegalArgumentException.class, () -> sender.send(right, new StringBuilder("m"), 0, 0),
                "java.lang.StringBuilder", "not immutable");
        send("ok");
        assertEquals(List.of("ok"), receiveAll());
    }

    @Test
    void openingAChannelToOneselfIsRefused() {
        SendRight<Object> toSelf = sender.mailbox().grant(sender.address());
        thrown(IllegalArgumentException.class, () -> sender.openChannel(toSelf, 0), sender.address().toString(),
                "to itself");
        SendRight<Object> selfRight = sender.mailbox().grant(sender.address());
        assertEquals(SendStatus.DELIVERED, sender.mailbox().send(selfRight, "still usable"));
    }

    @Test
    void openingAChannelTwiceIsRefusedAndTheFirstStaysOpen() {
        sender.openChannel(right, 8, 0);
        thrown(IllegalStateException.class, () -> sender.openChannel(right, 0), "already open",
                receiver.address().toString());
        send("after");
        assertEquals(List.of("after"), receiveAll());
        assertEquals(1, receiver.inboundChannels());
    }

    @Test
    void closingAChannelThatIsNotOpenIsRefused() {
        thrown(IllegalStateException.class, () -> sender.closeChannel(right), "no channel", receiver.address().toString());
    }

    @Test
    void channelCapacityMustBeAPowerOfTwoOfFourOrMore() {
        thrown(IllegalArgumentException.class, () -> sender.openChannel(right, 6, 0), "channel capacity 6",
                "power of two");
        thrown(IllegalArgumentException.class, () -> sender.openChannel(right, 2, 0), "channel capacity 2",
                "from 4");
        assertFalse(sender.hasChannelTo(receiver.address()));
    }

    @Test
    void openingWithAnotherHoldersRightIsRefused() {
        SendRight<Object> someoneElses = receiver.mailbox().grant(new Address(MESH.core(5), 9));
        thrown(IllegalArgumentException.class, () -> sender.openChannel(someoneElses, 0), "held by");
    }

    @Test
    void openingIntoAFullMailboxAnswersFullAndChangesNothing() {
        Endpoint small = Endpoint.of(Mailbox.builder(new Address(MESH.core(1), 2)).capacity(2).build());
        SendRight<Object> toSmall = small.mailbox().grant(sender.address());
        sender.send(toSmall, 1, 0, 0);
        sender.send(toSmall, 2, 0, 0);

        assertEquals(SendStatus.FULL, sender.openChannel(toSmall, 0));
        assertFalse(sender.hasChannelTo(small.address()));
    }

    @Test
    void discardUndeliveredCountsMailboxAndChannelMessages() {
        send(1);
        sender.openChannel(right, 8, 0);
        send(2);
        send(3);
        receiver.mailbox().close();

        assertEquals(3, receiver.discardUndelivered());
    }

    @Test
    void largeReceivesTakeChunksWithEachMessagesOwnHeadersAcrossTimeMarksAndLaps() {
        sender.openChannel(right, 64, 0);
        int next = 0;
        List<String> got = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int round = 0; round < 12; round++) {
            // 50 messages, a new send time every 7 (time marks inside chunks), then receives of 40 and of the rest
            for (int i = 0; i < 50; i++, next++) {
                assertEquals(SendStatus.DELIVERED, sender.send(right, next, next, next / 7), "send " + next);
                expected.add(entry(next, next, next / 7));
            }
            int taken = receiver.receive(recordingInto(got), 40);
            taken += receiver.receive(recordingInto(got), 64);
            assertEquals(50, taken, "round " + round);
        }

        assertEquals(expected, got);
    }

    @Test
    void aHandlerThrowingInsideAChunkHasTakenThatMessageAndFreedEverySlotItTook() {
        sender.openChannel(right, 64, 0);
        for (int i = 0; i < 40; i++) {
            send(i);
        }
        thrown(IllegalStateException.class, () -> receiver.receive(e -> {
            received.add(e.payload());
            if ((Integer) e.payload() == 20) {
                throw new IllegalStateException("handler failed at 20");
            }
        }, 64), "failed at 20");
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(i);
        }
        assertEquals(expected, receiveAll());

        // every slot it took was freed: one message at a time for two laps, each comes once (a slot left
        // unfreed would be read again a lap later, before the sender reaches it)
        for (int i = 0; i < 128; i++) {
            received.clear();
            send(1000 + i);
            assertEquals(List.of(1000 + i), receiveAll(), "lap message " + i);
        }

        // every slot came back: 63 more fit (one is kept for closing), then the ring is full
        int room = 0;
        while (sender.send(right, 100 + room, 0, 0) == SendStatus.DELIVERED) {
            room++;
        }
        assertEquals(63, room);
    }

    @Test
    void aRingSmallerThanAChunkHandsOverEachMessageOnce() {
        sender.openChannel(right, 8, 0);
        for (int i = 0; i < 7; i++) {
            send(i);
        }
        sender.closeChannel(right);

        assertEquals(7, receiver.receive(e -> received.add(e.payload()), 64));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), received);
        assertEquals(0, receiver.inboundChannels());
    }

    @Test
    void everyMessageArrivesOnceInOrderWithItsHeadersWhateverTheSendAndReceiveSizes() {
        // seeded: runs of sends until FULL or a random count, receives of limits around the chunk size
        Random random = new Random(20261207);
        int[] limits = {1, 3, 15, 16, 17, 31, 40, 64, 200};
        sender.openChannel(right, 64, 0);
        List<String> sent = new ArrayList<>();
        List<String> got = new ArrayList<>();
        int next = 0;
        for (int step = 0; step < 3000; step++) {
            if (random.nextBoolean()) {
                for (int k = random.nextInt(70); k > 0; k--, next++) {
                    long time = next / (1 + random.nextInt(9));
                    if (sender.send(right, next, next, time) != SendStatus.DELIVERED) {
                        break;
                    }
                    sent.add(entry(next, next, time));
                }
            } else {
                receiver.receive(recordingInto(got),
                        limits[random.nextInt(limits.length)]);
            }
        }
        while (receiver.receive(recordingInto(got), 64) > 0) {
            // the rest
        }

        assertEquals(sent, got);
    }

    @Test
    void aChannelToAMailboxWithADoorbellRingsItAtEverySendAcrossLaps() {
        // the doorbell's consumer is a thread that never starts: unpark does nothing to it
        Doorbell doorbell = new Doorbell(new Thread(() -> { }));
        Endpoint parked = Endpoint.of(Mailbox.builder(new Address(MESH.core(1), 2)).capacity(64).topology(MESH)
                .doorbell(doorbell).build());
        SendRight<Object> toParked = parked.mailbox().grant(sender.address());
        assertEquals(SendStatus.DELIVERED, sender.openChannel(toParked, 16, 0));
        while (parked.receive(e -> received.add(e.payload()), 64) > 0) {
            // takes the opening
        }
        for (int i = 0; i < 5 * 16; i++) {
            doorbell.prepareToPark();
            assertEquals(SendStatus.DELIVERED, sender.send(toParked, i, 0, i % 3 == 0 ? 0 : 7), "send " + i);
            assertFalse(doorbell.isParked(), "send " + i + " left the receiver parked");
            assertEquals(1, parked.receive(e -> received.add(e.payload()), 64), "receive " + i);
        }
        assertEquals(80, received.size());
        assertEquals(79, received.get(79));
    }
}
