package dev.manycore.fleets.internal.processes;

import dev.manycore.fleets.Request;
import dev.manycore.fleets.processes.Letter;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;

import java.util.List;

/** The protocol of a core's mailbox host: typed, immutable records. */
public final class MailboxRequests {

    private MailboxRequests() {
    }

    /** Opens a mailbox for a process. */
    public record Open(long pid) implements Request<MailboxRef> {
    }

    /** Binds a name to a mailbox of this host, so letters sent by name find it. */
    public record Bind(long id, Name name) implements Request<MailboxRef> {
    }

    /**
     * Delivers a letter to a mailbox by number ({@code id > 0}) or by a name bound on this host.
     *
     * @param id     the mailbox number, or 0 to deliver by name
     * @param name   the name, or null when delivering by number
     * @param letter the letter
     */
    public record Deliver(long id, Name name, Letter letter) implements Request<MailboxRef> {
    }

    /** Takes the next letter, waiting at most {@code waitNs}; answered with {@link Received}. */
    public record Receive(long id, long waitNs) implements Request<Received> {
    }

    /** The letter taken, or null if none came in time. */
    public record Received(Letter letter) {
    }

    /** Closes a mailbox (or drops the forwarding a moved one left); answered with the letters dropped. */
    public record Close(long id) implements Request<Integer> {
    }

    /** Moves a mailbox to another host: its letters, names and waiting receivers follow. */
    public record MoveOut(long id, Address to) implements Request<MailboxRef> {
    }

    /** Takes over a moved mailbox. */
    public record Adopt(long pid, List<Letter> letters, List<Name> names) implements Request<MailboxRef> {
        /** Copies the lists. */
        public Adopt {
            letters = List.copyOf(letters);
            names = List.copyOf(names);
        }
    }

    /** Asks for the host's counters. */
    public record HostCensus() implements Request<HostCounts> {
    }

    /** Open mailboxes and forwarding entries left by moves. */
    public record HostCounts(int open, int forwards, long delivered) {
    }
}
