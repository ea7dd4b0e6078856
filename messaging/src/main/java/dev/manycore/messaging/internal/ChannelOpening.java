package dev.manycore.messaging.internal;

/**
 * The control message an {@link dev.manycore.messaging.Endpoint} sends through the destination's
 * mailbox to open a channel. It travels in the same per-sender FIFO as the sender's earlier
 * messages, so the receiver starts reading the channel only after it has received every message
 * the sender put in the mailbox before the switch: the switch never reorders.
 *
 * @param channel the new channel, handed from the sender's thread to the receiver's by the mailbox's release/acquire
 */
public record ChannelOpening(Channel channel) {
}
