package dev.manycore.fleets.processes;

/** A letter or receive reached no open process mailbox (closed at exit, or never opened); the message names it. */
public final class MailboxClosedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the mailbox or name */
    public MailboxClosedException(String message) {
        super(message);
    }
}
