package dev.manycore.fleets.processes;

/** A process mailbox holds its maximum of unread letters; the sender may retry later. The message names it. */
public final class MailboxFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the mailbox and its capacity */
    public MailboxFullException(String message) {
        super(message);
    }
}
