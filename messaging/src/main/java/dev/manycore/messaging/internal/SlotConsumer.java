package dev.manycore.messaging.internal;

/**
 * What a ring's drain hands each published slot to, in order, while the slot is still published:
 * the consumer reads the envelope in place ({@link EnvelopeSlots#payloadAt} and the header
 * accessors) and the ring frees the slot when the call returns, normally or not.
 *
 * <p>Thread-safety: called on the ring's consumer thread only.
 */
@FunctionalInterface
public interface SlotConsumer {

    /**
     * @param slot a published slot of the ring being drained
     */
    void onSlot(int slot);
}
