package dev.manycore.fleets.internal;

import dev.manycore.fleets.LoadReport;
import dev.manycore.fleets.MembershipView;
import dev.manycore.messaging.Address;

/**
 * The membership protocol of a fleet (fos report 3.2.3, 4.4): heartbeats, join and leave
 * requests, the freeze round that makes every member quiescent before state moves, view changes
 * and the welcome of a joiner. All messages are immutable records.
 */
public final class MembershipMessages {

    private MembershipMessages() {
    }

    /** Liveness and load, sent every heartbeat period to every other member of the view. */
    public record Heartbeat(long epoch, LoadReport load) {
    }

    /** A joiner asks the coordinator to be admitted; repeated until welcomed. */
    public record JoinRequest(Address joiner) {
    }

    /** A member asks the coordinator to let it leave; repeated until a view excludes it. */
    public record LeaveRequest(Address leaver) {
    }

    /** Sent by the fleet to a member: leave the fleet gracefully. */
    public record Depart() {
    }

    /** The coordinator asks every member to hold back updates and report quiescence. */
    public record Freeze(long epoch, long round) {
    }

    /**
     * A member is frozen and quiescent at this epoch and round; a member that asked to leave adds
     * the state it hands over (null otherwise), so the state moves before the view changes.
     */
    public record Frozen(long epoch, long round, Object handOver) {
    }

    /** The coordinator installs a new view. */
    public record NewView(MembershipView view) {
    }

    /**
     * A member heard a heartbeat of a newer epoch than its view: it asks the sender for that view
     * (the NewView may have been lost, for example with a coordinator that crashed before sending it).
     */
    public record ViewRequest(long epoch) {
    }

    /** The coordinator admits a joiner: the view it joins and the state it starts from (may be null). */
    public record Welcome(MembershipView view, Object state) {
    }

    /** A leaving member's state, for the member that coordinates the next view. */
    public record HandOver(Address from, Object state) {
    }

    /**
     * The number of a bid to decide the view that follows one epoch (Paxos ballot): higher
     * rounds win, ties go to the lower proposer address. Each proposer uses its own address, so
     * two bids never have the same ballot.
     */
    public record Ballot(long round, Address proposer) implements Comparable<Ballot> {
        @Override
        public int compareTo(Ballot o) {
            int c = Long.compare(round, o.round);
            return c != 0 ? c : o.proposer.compareTo(proposer);
        }
    }

    /**
     * Phase one of deciding the view after {@code epoch}: a proposer asks every member of that view
     * to promise to ignore lower ballots.
     */
    public record ViewBid(long epoch, Ballot ballot) {
    }

    /**
     * A member promises a bid; it reports the view it already accepted for this epoch, with its
     * ballot (both null if none), which the proposer must then propose instead of its own.
     */
    public record ViewPromise(long epoch, Ballot ballot, Ballot acceptedBallot, MembershipView accepted) {
    }

    /** Phase two: the proposer asks every member of the view at {@code epoch} to accept {@code next}. */
    public record ViewAccept(long epoch, Ballot ballot, MembershipView next) {
    }

    /** A member accepted the bid's view. */
    public record ViewAccepted(long epoch, Ballot ballot) {
    }

    /** A member refuses a bid or an accept: it promised the higher ballot {@code promised}. */
    public record ViewRefusal(long epoch, Ballot ballot, Ballot promised) {
    }
}
