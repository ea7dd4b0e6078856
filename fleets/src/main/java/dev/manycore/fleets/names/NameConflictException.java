package dev.manycore.fleets.names;

import dev.manycore.messaging.Name;

/** A name service request failed because another update of the same name was being committed at the same time; retry. The message names the name. */
public final class NameConflictException extends NameServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    the name concerned
     * @param message what happened, naming the name
     */
    public NameConflictException(Name name, String message) {
        super(name, message);
    }
}
