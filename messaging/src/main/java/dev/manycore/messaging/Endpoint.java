package dev.manycore.messaging;

import dev.manycore.messaging.internal.Channel;
import dev.manycore.messaging.internal.ChannelOpening;
import dev.manycore.messaging.internal.MpscEnvelopeRing;
import dev.manycore.messaging.internal.SlotConsumer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One agent's place in the message system: its own mailbox (the receive side) and the transport it
 * uses to each destination (the send side). The transport is chosen at run time and the sender's
 * code does not change: {@link #send} goes through the mailbox of the destination, or through a
 * single-producer single-consumer {@link Channel} while one is open to it (fos report 4.2, the
 * kernel mailbox and the user-space URPC channel).
 *
 * <p><b>A switch never reorders one sender's messages.</b>
 * <pre>
 *   mailbox -&gt; channel: the sender enqueues ChannelOpening(channel) in the mailbox, in FIFO order
 *                       after its earlier messages; the receiver learns of the channel only when it
 *                       takes that marker, so it reads the channel after everything sent before.
 *   channel -&gt; mailbox: the sender writes CLOSE into the channel before any later mailbox send;
 *                       when the receiver meets, in the mailbox, a message (or a new opening) from
 *                       a sender whose channel it still reads, it first drains that channel up to
 *                       CLOSE, which is already published (the sender's release of CLOSE precedes
 *                       its mailbox send, which the receiver acquired).
 * </pre>
 * A sender is identified by its {@link SendRight}: one right per (sender, destination) pair, used
 * by one thread, as the engines do.
 *
 * <p>Thread-safety: an endpoint is confined to its owner thread (the mailbox's owner); the methods
 * that receive check it in checked mode. Memory ordering is that of the mailbox and the channel.
 */
public final class Endpoint {

    /** The capacity of channels opened with {@link #openChannel(SendRight, long)}. */
    public static final int DEFAULT_CHANNEL_CAPACITY = 256;

    private final Mailbox<Object> mailbox;
    private final MpscEnvelopeRing ring;
    private final Envelope<Object> view;
    private final Map<Address, SendRight<?>> outbound = new HashMap<>();
    private Inbound[] inbound = new Inbound[4];
    private int inboundCount;

    private Endpoint(Mailbox<Object> mailbox) {
        this.mailbox = mailbox;
        this.ring = mailbox.ring();
        this.view = Envelope.view(ring, mailbox.address());
    }

    /**
     * @param mailbox the endpoint's own mailbox; from now on drain it only through this endpoint
     * @return the endpoint
     */
    public static Endpoint of(Mailbox<Object> mailbox) {
        return new Endpoint(Objects.requireNonNull(mailbox, "mailbox is null"));
    }

    /** @return this endpoint's address, its mailbox's address */
    public Address address() {
        return mailbox.address();
    }

    /** @return this endpoint's own mailbox */
    public Mailbox<Object> mailbox() {
        return mailbox;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends through the open channel to the right's destination, or else through its mailbox.
     * Same outcomes and checks as {@link Mailbox#send(SendRight, Object, long, long)}; a channel
     * answers FULL when its ring has no room (for a send time other than the previous message's,
     * room for a time mark too, see {@link #openChannel(SendRight, int, long)}); as with a mailbox,
     * the slots of a receive batch come back when the batch ends, not one by one while it runs
     * (the channel's look-ahead may take back a quarter of the ring, at most 4096 slots, earlier).
     * It answers CLOSED or DENIED as the mailbox would. The receiver sees the send time given here
     * either way.
     *
     * @param to            a right to the destination
     * @param payload       the message
     * @param correlationId pairs a reply with its request; 0 when unused
     * @param sendTime      the send time in the engine's clock
     * @return the outcome
     */
    public <T> SendStatus send(SendRight<T> to, T payload, long correlationId, long sendTime) {
        Channel route = to.channel;
        if (route == null) {
            return to.mailbox().send(to, payload, correlationId, sendTime);
        }
        SendStatus refused = to.mailbox().admit(to, payload);
        if (refused != null) {
            return refused;
        }
        return route.offer(payload, correlationId, sendTime) ? SendStatus.DELIVERED : SendStatus.FULL;
    }

    /**
     * Opens a channel of {@value #DEFAULT_CHANNEL_CAPACITY} slots to the right's destination.
     *
     * @see #openChannel(SendRight, int, long)
     */
    public SendStatus openChannel(SendRight<?> to, long now) {
        return openChannel(to, DEFAULT_CHANNEL_CAPACITY, now);
    }

    /**
     * Opens a channel to the right's destination: from the next send on, messages to it go through
     * the channel. The opening travels through the destination's mailbox, so it can answer FULL
     * (nothing changed; retry), CLOSED or DENIED; only DELIVERED switches the transport.
     *
     * @param to       a right to the destination, held by this endpoint
     * @param capacity channel slots, a power of two from 4 to 2^24: one is kept for closing, and a
     *                 message sent at another send time than the message before it (or than
     *                 {@code now}, for the first) takes two, its own and a time mark
     * @param now      the time written into the opening's envelope, and the channel's send time
     *                 until a message is sent at another
     * @return the outcome of sending the opening
     * @throws IllegalArgumentException if the destination is this endpoint, the right is held by
     *                                  another address, or the capacity is invalid
     * @throws IllegalStateException    if a channel to that destination is already open
     */
    public SendStatus openChannel(SendRight<?> to, int capacity, long now) {
        Address destination = to.destination();
        if (destination.equals(address())) {
            throw new IllegalArgumentException("channel from " + address() + " to itself: a channel joins two different endpoints");
        }
        if (!to.holder().equals(address())) {
            throw new IllegalArgumentException("send right held by " + to.holder() + " used by endpoint " + address()
                    + ": open channels with this endpoint's own rights");
        }
        if (capacity < Channel.MIN_CAPACITY || capacity > Mailbox.MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("channel capacity " + capacity + " is invalid: it must be a power of two from "
                    + Channel.MIN_CAPACITY + " to " + Mailbox.MAX_CAPACITY);
        }
        if (outbound.containsKey(destination) || to.channel != null) {
            throw new IllegalStateException("a channel from " + address() + " to " + destination
                    + " is already open: open a channel once, close it before opening it again");
        }
        if (!to.isValid()) {
            return to.mailbox().isClosed() ? SendStatus.CLOSED : SendStatus.DENIED;
        }
        Channel channel = new Channel(to, capacity, to.mailbox().doorbell(), now);
        SendStatus status = to.mailbox().enqueue(new ChannelOpening(channel), to, 0L, now);
        if (status == SendStatus.DELIVERED) {
            to.channel = channel;
            outbound.put(destination, to);
        }
        return status;
    }

    /**
     * Closes the channel to the right's destination; later sends go through its mailbox, after every
     * message sent through the channel.
     *
     * @param to the right the channel was opened with
     * @throws IllegalStateException if no channel is open to that destination with that right
     */
    public void closeChannel(SendRight<?> to) {
        if (!(to.channel instanceof Channel channel) || outbound.get(to.destination()) != to) {
            throw new IllegalStateException("no channel from " + address() + " to " + to.destination()
                    + " is open with this right: close only an open channel");
        }
        channel.closeForSending();
        to.channel = null;
        outbound.remove(to.destination());
    }

    /**
     * @param destination an address
     * @return true while a channel from this endpoint to that address is open
     */
    public boolean hasChannelTo(Address destination) {
        return outbound.containsKey(destination);
    }

    /** @return the number of channels other endpoints opened to this one and that are still being read */
    public int inboundChannels() {
        return inboundCount;
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Owner only. Hands up to {@code limit} messages from the inbound channels and the mailbox to
     * {@code handler}, preserving each sender's order across transport switches. Allocates nothing.
     * See {@link MessageHandler} for the view and for exceptions.
     *
     * @param handler receives each message
     * @param limit   the most messages to hand over, 1 or more
     * @return the number handed over
     * @throws IllegalArgumentException if the limit is not positive
     * @throws WrongThreadException     in checked mode, if the caller is not the mailbox's owner
     */
    public int receive(MessageHandler<Object> handler, int limit) {
        mailbox.checkOwner("receive");
        Mailbox.checkLimit(limit);
        int n = 0;
        try {
            for (int i = inboundCount - 1; i >= 0 && n < limit; i--) {
                n += drainChannel(inbound[i], handler, limit - n);
            }
            while (n < limit) {
                int slot = ring.peekSlot();
                if (slot < 0) {
                    break;
                }
                if (inboundCount > 0) {
                    Inbound earlier = inboundFrom(ring.tagAt(slot));
                    if (earlier != null) {
                        n += drainChannel(earlier, handler, limit - n);
                        if (!earlier.channel.isFinished() && n >= limit) {
                            break;
                        }
                    }
                }
                if (ring.payloadAt(slot) instanceof ChannelOpening opening) {
                    ring.consume(slot);
                    // everything this sender put in the mailbox before the switch is delivered: its channel is next
                    n += drainChannel(addInbound(opening.channel()), handler, limit - n);
                    continue;
                }
                n++;
                view.at(slot);
                try {
                    handler.onMessage(view);
                } finally {
                    ring.consume(slot);
                }
            }
        } finally {
            ring.releaseTaken();
        }
        return n;
    }

    /**
     * Owner only, volatile reads: whether a message waits in the mailbox or an inbound channel. The
     * engine's re-check before parking.
     *
     * @return true when there is input
     */
    public boolean hasInput() {
        if (!ring.isEmpty()) {
            return true;
        }
        for (int i = 0; i < inboundCount; i++) {
            if (inbound[i].channel.hasInput()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Owner only, after the mailbox is closed and no sender runs: counts and discards what is left
     * in the mailbox and the inbound channels, for a shutdown report.
     *
     * @return the number of messages discarded
     */
    public int discardUndelivered() {
        int n = 0;
        for (int i = 0; i < inboundCount; i++) {
            Channel c = inbound[i].channel;
            for (Object p = c.take(); p != null; p = c.take()) {
                if (p != Channel.CLOSE) {
                    n++;
                }
            }
        }
        inboundCount = 0;
        for (Object p = ring.take(); p != null; p = ring.take()) {
            if (p instanceof ChannelOpening opening) {
                Channel c = opening.channel();
                for (Object q = c.take(); q != null; q = c.take()) {
                    if (q != Channel.CLOSE) {
                        n++;
                    }
                }
            } else {
                n++;
            }
        }
        return n;
    }

    private int drainChannel(Inbound in, MessageHandler<Object> handler, int limit) {
        MessageHandler<Object> outer = in.handler;
        in.handler = handler;
        try {
            return in.channel.drain(in, limit);
        } finally {
            in.handler = outer;
            if (in.channel.isFinished()) {
                removeInbound(in);
            }
        }
    }

    private Inbound inboundFrom(Object senderTag) {
        for (int i = 0; i < inboundCount; i++) {
            if (inbound[i].channel.sender() == senderTag) {
                return inbound[i];
            }
        }
        return null;
    }

    private Inbound addInbound(Channel channel) {
        if (inboundCount == inbound.length) {
            inbound = Arrays.copyOf(inbound, inboundCount * 2);
        }
        Inbound in = new Inbound(channel, Envelope.view(channel, mailbox.address()));
        inbound[inboundCount++] = in;
        return in;
    }

    private void removeInbound(Inbound in) {
        for (int i = 0; i < inboundCount; i++) {
            if (inbound[i] == in) {
                inbound[i] = inbound[--inboundCount];
                inbound[inboundCount] = null;
                return;
            }
        }
    }

    /**
     * A channel this endpoint reads, with the view its messages are handed over in: the channel's
     * drain calls {@link #onSlot} for each published slot, during one {@link #receive} call's
     * handler.
     */
    private static final class Inbound implements SlotConsumer {
        final Channel channel;
        final Envelope<Object> view;
        MessageHandler<Object> handler;

        Inbound(Channel channel, Envelope<Object> view) {
            this.channel = channel;
            this.view = view;
        }

        @Override
        public void onSlot(int slot) {
            view.at(slot);
            handler.onMessage(view);
        }
    }

    @Override
    public String toString() {
        return "Endpoint[" + address() + ", " + outbound.size() + " channels out, " + inboundCount + " in]";
    }
}
