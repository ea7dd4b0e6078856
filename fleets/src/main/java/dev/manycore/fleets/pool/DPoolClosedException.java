package dev.manycore.fleets.pool;

/**
 * This member's partition no longer belongs to it: the member left the fleet or was removed from
 * it, and another member adopted the partition. Takes fail with it and puts are refused with it
 * (the element stays with the caller), so nothing is taken from or stored in a partition whose
 * contents have moved.
 */
public final class DPoolClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the pool and the member
     */
    public DPoolClosedException(String message) {
        super(message);
    }
}
