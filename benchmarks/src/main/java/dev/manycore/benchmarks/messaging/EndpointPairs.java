package dev.manycore.benchmarks.messaging;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Endpoint;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.SendRight;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.CoreId;

/**
 * The two sender/receiver pairs of the channel benchmarks, built the same way for both: one pair
 * talks through an open channel, the other through the receiver's mailbox; the sender's code is the
 * same {@code Endpoint.send} call either way.
 *
 * @param receiverWithChannel reads the channel
 * @param senderWithChannel   sends through the channel
 * @param channelRight        the sender's right, with the channel open on it
 * @param receiverWithMailbox owns the mailbox
 * @param senderWithMailbox   sends into the mailbox
 * @param mailboxRight        the sender's right to the mailbox
 */
record EndpointPairs(Endpoint receiverWithChannel, Endpoint senderWithChannel, SendRight<Object> channelRight,
                     Endpoint receiverWithMailbox, Endpoint senderWithMailbox, SendRight<Object> mailboxRight) {

    /**
     * @param capacity the receivers' mailbox and the channel's slots
     * @return the two pairs, the channel open
     */
    static EndpointPairs open(int capacity) {
        Endpoint receiverWithChannel = endpoint(0, 0, capacity);
        Endpoint senderWithChannel = endpoint(1, 1, 2);
        SendRight<Object> channelRight = receiverWithChannel.mailbox().grant(senderWithChannel.address());
        if (senderWithChannel.openChannel(channelRight, capacity, 0L) != SendStatus.DELIVERED) {
            throw new IllegalStateException("channel did not open");
        }
        Endpoint receiverWithMailbox = endpoint(0, 2, capacity);
        Endpoint senderWithMailbox = endpoint(1, 3, 2);
        SendRight<Object> mailboxRight = receiverWithMailbox.mailbox().grant(senderWithMailbox.address());
        return new EndpointPairs(receiverWithChannel, senderWithChannel, channelRight, receiverWithMailbox,
                senderWithMailbox, mailboxRight);
    }

    private static Endpoint endpoint(int core, int mailbox, int capacity) {
        return Endpoint.of(Mailbox.builder(new Address(new CoreId(core), mailbox)).capacity(capacity).build());
    }
}
