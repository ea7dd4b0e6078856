package dev.manycore.fleets.names;

import dev.manycore.messaging.Name;

/**
 * A lookup was refused because the member that served it already keeps the bound of requesters
 * for that name ({@link NameService.Builder#maxWatchersPerName}): every requester of a name is
 * remembered until the name changes, so that its name cache can be invalidated, and that list is
 * bounded. The message names the name and the bound. The lookup may be retried later (the list
 * empties when the name is deleted or moved) or at another member.
 */
public final class NameWatchersFullException extends NameServiceException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    the name concerned
     * @param message what happened, naming the name and the bound
     */
    public NameWatchersFullException(Name name, String message) {
        super(name, message);
    }
}
