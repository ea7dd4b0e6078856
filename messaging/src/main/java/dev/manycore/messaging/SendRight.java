package dev.manycore.messaging;

import dev.manycore.messaging.internal.Channel;

/**
 * The capability to send to one {@link Mailbox}: fos's "who may send to whom". Only the mailbox
 * issues rights ({@link Mailbox#grant(Address)}); there is no public constructor, the class is final
 * and not {@link java.io.Serializable}, so a right cannot be forged, copied out of band or
 * deserialised. Holding the object is holding the right.
 *
 * <p>A right names its holder (the sender address written into every envelope sent with it) and
 * knows the hop distance from the holder to the mailbox, so a send computes nothing about the
 * topology. Revocation: {@link Mailbox#revoke(SendRight)} kills this right,
 * {@link Mailbox#revokeAll()} kills every right issued so far.
 *
 * <p>The validity check on the send path is two plain loads on x86: this right's epoch and the
 * mailbox's epoch, which must be equal ({@code volatile} reads; the mailbox's epoch line is
 * read-mostly and stays shared in every sender's cache).
 *
 * <pre>
 *   right.epoch     mailbox.epoch     send answers
 *   e               e                 (goes on to the queue)
 *   REVOKED (-2)    any               DENIED
 *   e               e' != e           DENIED   (revokeAll moved the mailbox on)
 *   any             CLOSED (-1)       CLOSED
 * </pre>
 *
 * <p>Thread-safe: a right may be used from any thread, but per-sender order is defined per right
 * and per thread; the engines use one right per (sender, destination) pair from one thread.
 *
 * @param <T> the payload type of the mailbox
 */
public final class SendRight<T> {

    static final int REVOKED = -2;

    private final Mailbox<T> mailbox;
    private final Address holder;
    private final int hops;
    private volatile int epoch;
    /** The open channel for this (holder, destination) pair, set and read by the holder's {@link Endpoint} only. */
    Channel channel;
    /**
     * The last payload class admitted with this right (in checked mode, one that passed the
     * immutability test; in unchecked mode, any): a sender usually sends one class again and again,
     * so the check becomes one load and one compare. Racy by design: any value ever written is a
     * class that was admitted, so a stale read only costs a re-check.
     */
    Class<?> checkedClass;

    SendRight(Mailbox<T> mailbox, Address holder, int hops, int epoch) {
        this.mailbox = mailbox;
        this.holder = holder;
        this.hops = hops;
        this.epoch = epoch;
    }

    /** @return the address of the mailbox this right sends to */
    public Address destination() {
        return mailbox.address();
    }

    /** @return the sender address written into every envelope sent with this right */
    public Address holder() {
        return holder;
    }

    /** @return the hop distance from the holder's cluster to the mailbox's cluster */
    public int hops() {
        return hops;
    }

    /**
     * A racy snapshot: a concurrent revoke or close may change the answer right after it is given.
     *
     * @return true while neither this right nor all rights were revoked and the mailbox is open
     */
    public boolean isValid() {
        int e = mailbox.epoch();
        return e >= 0 && epoch == e;
    }

    Mailbox<T> mailbox() {
        return mailbox;
    }

    int epoch() {
        return epoch;
    }

    void revoke() {
        epoch = REVOKED;
    }

    @Override
    public String toString() {
        return "SendRight[" + holder + " -> " + mailbox.address() + (epoch == REVOKED ? ", revoked" : "") + "]";
    }
}
