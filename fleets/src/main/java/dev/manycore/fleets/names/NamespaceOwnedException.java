package dev.manycore.fleets.names;

import dev.manycore.messaging.Name;

/** A name service request failed because the name lies in a namespace, or is a name, owned by another owner. The message names the name. */
public final class NamespaceOwnedException extends NameServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    the name concerned
     * @param message what happened, naming the name
     */
    public NamespaceOwnedException(Name name, String message) {
        super(name, message);
    }
}
