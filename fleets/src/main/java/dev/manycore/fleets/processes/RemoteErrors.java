package dev.manycore.fleets.processes;

import dev.manycore.fleets.RemoteFailureException;

/** Turns the error replies of the process manager and the mailbox hosts back into their exceptions. */
final class RemoteErrors {

    private RemoteErrors() {
    }

    static RuntimeException translate(RuntimeException e) {
        if (!(e instanceof RemoteFailureException remote)) {
            return e;
        }
        String type = remote.remoteType();
        String message = remote.remoteMessage();
        if (type.equals(NoSuchProcessException.class.getName())) {
            return new NoSuchProcessException(message);
        } else if (type.equals(OutOfPidsException.class.getName())) {
            return new OutOfPidsException(message);
        } else if (type.equals(MailboxClosedException.class.getName())) {
            return new MailboxClosedException(message);
        } else if (type.equals(MailboxFullException.class.getName())) {
            return new MailboxFullException(message);
        } else if (type.equals(IllegalStateException.class.getName())) {
            return new IllegalStateException(message, remote);
        } else if (type.equals(IllegalArgumentException.class.getName())) {
            return new IllegalArgumentException(message, remote);
        } else if (type.startsWith("dev.manycore.fleets.names.")) {
            return remote;
        }
        return remote;
    }
}
