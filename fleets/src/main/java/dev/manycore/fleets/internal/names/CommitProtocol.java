package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.internal.names.NameRequests.NameUpdate;
import dev.manycore.messaging.Address;

/**
 * The messages of the name service's two-phase commit (fos report 4.8.2) and of its termination
 * protocol for transactions whose coordinator failed.
 *
 * <p>Every message of a round is sent again, on the replica's retransmission timer, until its
 * answer arrives or its destination leaves the view (a member cut off by a partition shorter than
 * the suspicion time is not evicted, and a send across the cut is refused): {@link Prepare} until a
 * {@link Vote}, {@link Commit} until a {@link CommitAck}, {@link Abort} until an {@link AbortAck},
 * {@link Inquiry} until an {@link Answer}. Receivers treat duplicates by transaction id, so a
 * repeated message changes nothing and only repeats its answer.
 */
public final class CommitProtocol {

    private CommitProtocol() {
    }

    /**
     * A transaction's identity and age: older transactions (smaller start, then address, then
     * sequence) win conflicts (wait-die).
     */
    public record TxId(long start, Address coordinator, long sequence) implements Comparable<TxId> {
        @Override
        public int compareTo(TxId o) {
            int c = Long.compare(start, o.start);
            if (c == 0) {
                c = coordinator.compareTo(o.coordinator);
            }
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /**
     * Phase one: lock and validate the update at the view's epoch. The participants (the view's
     * members) let a termination round tell a participant that never voted from a member that
     * joined later.
     */
    public record Prepare(TxId tx, long epoch, NameUpdate update, java.util.List<Address> participants) {
        /** Copies the participants. */
        public Prepare {
            participants = java.util.List.copyOf(participants);
        }
    }

    /**
     * A participant's vote; a yes carries the name's version after the update (equal on every
     * replica), a no carries the error type and message, or says the epoch was stale.
     */
    public record Vote(TxId tx, boolean yes, boolean stale, long version, String errorType, String message) {

        static Vote yes(TxId tx, long version) {
            return new Vote(tx, true, false, version, null, null);
        }

        static Vote stale(TxId tx) {
            return new Vote(tx, false, true, -1, null, null);
        }

        static Vote no(TxId tx, String errorType, String message) {
            return new Vote(tx, false, false, -1, errorType, message);
        }
    }

    /** Phase two: apply. */
    public record Commit(TxId tx) {
    }

    /** A participant applied a commit it received from the transaction's coordinator. */
    public record CommitAck(TxId tx) {
    }

    /** Phase two: release. */
    public record Abort(TxId tx) {
    }

    /** A participant received an {@link Abort} (the coordinator stops sending it again). */
    public record AbortAck(TxId tx) {
    }

    /**
     * Termination: what do you know of a transaction whose coordinator left the view? A member that
     * knows nothing of it answers UNKNOWN and promises never to prepare it (it will vote no), so a
     * participant's UNKNOWN means the coordinator cannot have committed.
     */
    public record Inquiry(TxId tx) {
    }

    /** What a member knows of a transaction. */
    public enum Outcome { COMMITTED, ABORTED, PREPARED, UNKNOWN }

    /** The answer to an {@link Inquiry}; a member that answers PREPARED ignores the old coordinator from then on. */
    public record Answer(TxId tx, Outcome outcome) {
    }
}
