package dev.manycore.messaging;

/**
 * The outcome of a send. A send never blocks and never drops a message silently: it either
 * enqueued the message ({@link #DELIVERED}) or enqueued nothing and says why (fos paper 3.1.1: "if
 * the receive queue is full, the sending client's send command will return that the receive queue
 * is full and the sender can elect to retry").
 */
public enum SendStatus {
    /** The message is in the destination's queue; it will be received exactly once unless the mailbox closes first. */
    DELIVERED,
    /** The destination's queue is full: nothing was enqueued; the sender may retry. */
    FULL,
    /** The mailbox is closed (its owner is gone, or it moved to a new address): nothing was enqueued. */
    CLOSED,
    /** The send right was revoked, or never valid for this destination: nothing was enqueued. */
    DENIED;

    /** @return true for {@link #DELIVERED} */
    public boolean isDelivered() {
        return this == DELIVERED;
    }
}
