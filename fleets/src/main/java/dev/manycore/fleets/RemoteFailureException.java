package dev.manycore.fleets;

/**
 * The server that handled a request failed: its handler threw, and the error reply carried the
 * exception's type and message back (fos report 4.3). Client stubs of a fleet translate the
 * types they know into specific exceptions; others reach the caller as this exception.
 */
public class RemoteFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String remoteType;
    private final String remoteMessage;

    /**
     * @param remoteType    the binary class name of the exception thrown by the handler
     * @param remoteMessage its message, may be null
     */
    public RemoteFailureException(String remoteType, String remoteMessage) {
        super(remoteType + ": " + remoteMessage);
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
    }

    /** @return the binary class name of the exception the handler threw */
    public String remoteType() {
        return remoteType;
    }

    /** @return its message, or null */
    public String remoteMessage() {
        return remoteMessage;
    }
}
