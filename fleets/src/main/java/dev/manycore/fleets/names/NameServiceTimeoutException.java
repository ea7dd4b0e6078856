package dev.manycore.fleets.names;

import dev.manycore.messaging.Name;

/** A name service request failed because no member of the name service answered in time. The message names the name. */
public final class NameServiceTimeoutException extends NameServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    the name concerned
     * @param message what happened, naming the name
     */
    public NameServiceTimeoutException(Name name, String message) {
        super(name, message);
    }
}
