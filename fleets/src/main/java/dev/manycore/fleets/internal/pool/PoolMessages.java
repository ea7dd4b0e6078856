package dev.manycore.fleets.internal.pool;

import dev.manycore.messaging.Address;

import java.util.List;
import java.util.Objects;

/**
 * The messages dPool partitions exchange (fos report 4.8.1). All one-way; each names its pool (a
 * server may embed several) and carries its sender's partition size, from which the receiver
 * lazily updates its estimate of the sender (background push with estimation).
 */
final class PoolMessages {

    private PoolMessages() {
    }

    /** A message between the partitions of one pool. */
    sealed interface PoolMessage permits Ask, Grant, Empty, Ack, Cancel, CancelResult, Forget {
        /** @return the pool's name */
        String pool();

        /** @return the sender's partition size when it sent the message */
        int senderSize();
    }

    /**
     * Asks for up to {@code count} elements.
     *
     * @param background true for a background pull, which a member serves only from its surplus above its low-water mark
     */
    record Ask(String pool, long askId, int count, boolean background, int senderSize) implements PoolMessage {
    }

    /** Elements moved to the receiver (answering an ask, or pushed with {@code askId} 0); to be acknowledged. */
    record Grant(String pool, TransferKey key, List<Object> elements, long askId, int senderSize) implements PoolMessage {
        Grant {
            Objects.requireNonNull(key, "transfer key is null");
            elements = List.copyOf(elements);
        }
    }

    /** The answer to an ask that the member cannot serve. */
    record Empty(String pool, long askId, int senderSize) implements PoolMessage {
    }

    /** The receiver accepted the transfer: the sender may forget it. */
    record Ack(String pool, TransferKey key, int senderSize) implements PoolMessage {
    }

    /** A sender (or its partition's adopter) asks the receiver to settle an unacknowledged transfer. */
    record Cancel(String pool, TransferKey key, int senderSize) implements PoolMessage {
    }

    /** The settlement: accepted, or refused for good (the receiver will never accept it). */
    record CancelResult(String pool, TransferKey key, boolean accepted, int senderSize) implements PoolMessage {
    }

    /** The sender settled the transfer: the receiver may drop its record of it. */
    record Forget(String pool, TransferKey key, int senderSize) implements PoolMessage {
    }

    /**
     * A leaving member's hand-over: the coordinator adopts its partition.
     *
     * @param pool   the pool's name
     * @param leaver the leaving member
     */
    record PartitionHandOver(String pool, Address leaver) {
    }
}
