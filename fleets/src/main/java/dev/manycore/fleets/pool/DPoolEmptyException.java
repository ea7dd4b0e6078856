package dev.manycore.fleets.pool;

/**
 * A take found no element in its member's partition and none in any other member it asked: the
 * whole pool looked empty during one sweep over the members (elements moving between members
 * during the sweep may be missed; a later take may succeed).
 */
public final class DPoolEmptyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the pool, the member and the members asked
     */
    public DPoolEmptyException(String message) {
        super(message);
    }
}
