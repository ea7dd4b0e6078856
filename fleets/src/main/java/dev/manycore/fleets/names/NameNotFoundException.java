package dev.manycore.fleets.names;

import dev.manycore.messaging.Name;

/** A name service request failed because the name (or the mapping) does not exist. The message names the name. */
public final class NameNotFoundException extends NameServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    the name concerned
     * @param message what happened, naming the name
     */
    public NameNotFoundException(Name name, String message) {
        super(name, message);
    }
}
