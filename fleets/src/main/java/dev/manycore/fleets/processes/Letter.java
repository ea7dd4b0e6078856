package dev.manycore.fleets.processes;

import java.util.Objects;

/**
 * A message between processes, as a process mailbox keeps it. Immutable as long as its body is
 * (bodies must be records or other immutable values, as every message).
 *
 * @param fromPid the sender's PID, 0 for the kernel
 * @param replyTo the sender's mailbox, or null if it has none
 * @param body    the message
 */
public record Letter(long fromPid, MailboxRef replyTo, Object body) {

    /** Validates. */
    public Letter {
        Objects.requireNonNull(body, "letter body is null");
    }
}
