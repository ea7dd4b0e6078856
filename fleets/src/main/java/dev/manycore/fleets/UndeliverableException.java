package dev.manycore.fleets;

/**
 * A call could not be delivered: the destination mailbox is closed or the send was denied. The
 * request was not enqueued, so it was certainly not handled.
 */
public class UndeliverableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the destination and the send status
     */
    public UndeliverableException(String message) {
        super(message);
    }
}
