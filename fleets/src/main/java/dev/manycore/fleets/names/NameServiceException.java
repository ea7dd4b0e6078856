package dev.manycore.fleets.names;

import dev.manycore.messaging.Name;

/**
 * The base of the name service's client errors (fos paper 3.4): each subtype is one reason, and
 * each message names the name concerned.
 */
public abstract sealed class NameServiceException extends RuntimeException
        permits NameNotFoundException, NameTakenException, NamespaceOwnedException, NameConflictException,
        NameServiceTimeoutException, NameWatchersFullException {

    private static final long serialVersionUID = 1L;

    private final transient Name name;

    /**
     * @param name    the name concerned
     * @param message what happened
     */
    protected NameServiceException(Name name, String message) {
        super(message);
        this.name = name;
    }

    /** @return the name concerned */
    public Name name() {
        return name;
    }

    /**
     * Rebuilds a name service exception from the type and message of an error reply.
     *
     * @param type    the exception's binary class name
     * @param name    the name of the request
     * @param message the message
     * @return the exception, or null if the type is not one of the name service's
     */
    public static NameServiceException rebuild(String type, Name name, String message) {
        if (type.equals(NameNotFoundException.class.getName())) {
            return new NameNotFoundException(name, message);
        } else if (type.equals(NameTakenException.class.getName())) {
            return new NameTakenException(name, message);
        } else if (type.equals(NamespaceOwnedException.class.getName())) {
            return new NamespaceOwnedException(name, message);
        } else if (type.equals(NameConflictException.class.getName())) {
            return new NameConflictException(name, message);
        } else if (type.equals(NameServiceTimeoutException.class.getName())) {
            return new NameServiceTimeoutException(name, message);
        } else if (type.equals(NameWatchersFullException.class.getName())) {
            return new NameWatchersFullException(name, message);
        }
        return null;
    }
}
