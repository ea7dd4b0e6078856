package dev.manycore.fleets;

/**
 * A call got no reply within its timeout (ServerContext#call). The request may or may not have
 * been handled; the caller decides whether to retry. The message names the request and the
 * destination.
 */
public class CallTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the request, the destination and the timeout
     */
    public CallTimeoutException(String message) {
        super(message);
    }
}
