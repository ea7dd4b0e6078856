package dev.manycore.fleets.processes;

import dev.manycore.messaging.Address;

import java.util.Objects;

/**
 * A process mailbox: the mailbox host of a core and the mailbox's number there (numbers are never
 * reused, so a reference to a closed mailbox never reaches a newer one). Immutable.
 *
 * @param host the host's address (its core is where the mailbox lives)
 * @param id   the mailbox's number on that host, positive
 */
public record MailboxRef(Address host, long id) {

    /** Validates. */
    public MailboxRef {
        Objects.requireNonNull(host, "host is null");
        if (id <= 0) {
            throw new IllegalArgumentException("mailbox id " + id + " must be positive");
        }
    }
}
