package dev.manycore.fleets.names;

import dev.manycore.messaging.Name;

/** A name service request failed because the name is already registered (or the mapping already exists). The message names the name. */
public final class NameTakenException extends NameServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    the name concerned
     * @param message what happened, naming the name
     */
    public NameTakenException(Name name, String message) {
        super(name, message);
    }
}
