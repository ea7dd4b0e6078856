package dev.manycore.fleets.internal;

import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.internal.MembershipMessages.Ballot;
import dev.manycore.fleets.internal.MembershipMessages.ViewAccept;
import dev.manycore.fleets.internal.MembershipMessages.ViewAccepted;
import dev.manycore.fleets.internal.MembershipMessages.ViewBid;
import dev.manycore.fleets.internal.MembershipMessages.ViewPromise;
import dev.manycore.fleets.internal.MembershipMessages.ViewRefusal;
import dev.manycore.messaging.Address;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * How a fleet decides the view that follows its current one: single-decree Paxos (Lamport, "Paxos
 * made simple", 2001) per epoch, with quorums of the current view, which makes the current view
 * the primary partition (the primary-component rule of view-synchronous group membership).
 *
 * <p><b>Quorum.</b> A set of members of view {@code V} is a quorum when it holds more than half of
 * {@code V}, or exactly half of it including {@code V}'s coordinator (its lowest address). Any two
 * quorums of one view intersect, so of two sides of a partition at most one can install a next
 * view; a side without a quorum keeps its view, and its members cannot commit anything that needs
 * the whole view (a two-phase commit across the view needs the members that moved on). The cost:
 * a fleet cannot replace its view once half of it (without the coordinator) or more than half of
 * it failed at once; failures one at a time are survived down to one member.
 *
 * <p><b>Unique epochs.</b> Every member accepts, for the view after epoch {@code e}, only the
 * highest ballot it promised; a proposer whose bid gathers a quorum of promises proposes the view
 * with the highest ballot among those already accepted (its own otherwise); so once a quorum
 * accepted a view, every later ballot proposes the same view, and no two different views are ever
 * installed with one epoch. Members install only decided views, so any decided view newer than a
 * member's own may be installed directly, skipping the ones between.
 *
 * <p>Lost messages are sent again on every {@link #retransmit()} (once a heartbeat period) to the
 * members that have not answered; a refusal makes the proposer bid again with a higher round.
 *
 * <p>Not thread-safe: confined to its member's thread.
 */
final class ViewAgreement {

    private final Address self;
    private final BiConsumer<Address, Object> send;
    private final Consumer<MembershipView> decide;
    /** The view whose successor is being decided. */
    private MembershipView base;
    // acceptor side, for the view after base
    private Ballot promised;
    private Ballot acceptedBallot;
    private MembershipView accepted;
    // proposer side
    private long highestRound;
    private Ballot ballot;
    private MembershipView wanted;
    private MembershipView proposed;
    private final Set<Address> answered = new HashSet<>();
    private Ballot bestAcceptedBallot;
    private MembershipView bestAccepted;
    private boolean refused;

    /**
     * @param self   this member's address
     * @param send   sends a message to a member
     * @param decide called once this member learns that a quorum accepted the view it proposed
     */
    ViewAgreement(Address self, BiConsumer<Address, Object> send, Consumer<MembershipView> decide) {
        this.self = self;
        this.send = send;
        this.decide = decide;
    }

    /**
     * @param view   a view
     * @param ackers members that agreed
     * @return true if they are a quorum of the view: more than half, or half with its coordinator
     */
    static boolean isQuorum(MembershipView view, Collection<Address> ackers) {
        int count = 0;
        for (Address a : ackers) {
            if (view.contains(a)) {
                count++;
            }
        }
        int n = view.size();
        return 2 * count > n || (2 * count == n && n > 0 && ackers.contains(view.coordinator()));
    }

    /**
     * A view was installed: forget the acceptor and proposer state of the epoch it closes.
     *
     * @param installed the member's new view
     */
    void installed(MembershipView installed) {
        base = installed;
        promised = null;
        acceptedBallot = null;
        accepted = null;
        abandon();
        bestAcceptedBallot = null;
        bestAccepted = null;
    }

    /** @return true while this member proposes a view */
    boolean proposing() {
        return wanted != null;
    }

    /** @return the view this member proposes (its own wish), or null */
    MembershipView wanted() {
        return wanted;
    }

    /**
     * Starts proposing {@code next} as the successor of the current view, unless a proposal is
     * already running (it runs to its end; the next change follows in the next epoch).
     *
     * @param next the view wanted, one epoch after the current one
     */
    void propose(MembershipView next) {
        if (wanted != null) {
            return;
        }
        wanted = next;
        bid(highestRound + 1);
    }

    /** Gives up proposing (this member no longer coordinates); promises and acceptances stay. */
    void abandon() {
        wanted = null;
        ballot = null;
        refused = false;
        proposed = null;
        answered.clear();
    }

    private void bid(long round) {
        highestRound = Math.max(highestRound, round);
        ballot = new Ballot(round, self);
        refused = false;
        proposed = null;
        answered.clear();
        bestAcceptedBallot = null;
        bestAccepted = null;
        sendToUnanswered();
    }

    /** Sends the running phase's message again to the members of the view that owe an answer. */
    void retransmit() {
        if (refused) {
            bid(highestRound + 1);
        } else if (ballot != null) {
            sendToUnanswered();
        }
    }

    private void sendToUnanswered() {
        Object message = proposed == null ? new ViewBid(base.epoch(), ballot)
                : new ViewAccept(base.epoch(), ballot, proposed);
        for (Address a : base.members()) {
            if (!answered.contains(a)) {
                send.accept(a, message);
            }
        }
    }

    // ---------------------------------------------------------------- acceptor

    /** Phase one at an acceptor of the current view (the caller checked the epoch). */
    void onBid(ViewBid bid, Address from) {
        highestRound = Math.max(highestRound, bid.ballot().round());
        if (promised == null || bid.ballot().compareTo(promised) > 0) {
            promised = bid.ballot();
            send.accept(from, new ViewPromise(base.epoch(), bid.ballot(), acceptedBallot, accepted));
        } else if (!bid.ballot().equals(promised)) {
            send.accept(from, new ViewRefusal(base.epoch(), bid.ballot(), promised));
        } else {
            // a retransmitted bid: promise again
            send.accept(from, new ViewPromise(base.epoch(), bid.ballot(), acceptedBallot, accepted));
        }
    }

    /** Phase two at an acceptor of the current view (the caller checked the epoch). */
    void onAccept(ViewAccept accept, Address from) {
        highestRound = Math.max(highestRound, accept.ballot().round());
        if (promised == null || accept.ballot().compareTo(promised) >= 0) {
            promised = accept.ballot();
            acceptedBallot = accept.ballot();
            accepted = accept.next();
            send.accept(from, new ViewAccepted(base.epoch(), accept.ballot()));
        } else {
            send.accept(from, new ViewRefusal(base.epoch(), accept.ballot(), promised));
        }
    }

    // ---------------------------------------------------------------- proposer

    void onPromise(ViewPromise promise, Address from) {
        if (ballot == null || proposed != null || !promise.ballot().equals(ballot) || !answered.add(from)) {
            return;
        }
        if (promise.acceptedBallot() != null
                && (bestAcceptedBallot == null || promise.acceptedBallot().compareTo(bestAcceptedBallot) > 0)) {
            bestAcceptedBallot = promise.acceptedBallot();
            bestAccepted = promise.accepted();
        }
        if (isQuorum(base, answered)) {
            proposed = bestAccepted != null ? bestAccepted : wanted;
            answered.clear();
            sendToUnanswered();
        }
    }

    void onAccepted(ViewAccepted ack, Address from) {
        if (ballot == null || proposed == null || !ack.ballot().equals(ballot) || !answered.add(from)) {
            return;
        }
        if (isQuorum(base, answered)) {
            MembershipView decided = proposed;
            abandon();
            decide.accept(decided);
        }
    }

    /** A refused ballot bids again with a higher round at the next retransmission, not at once: two duelling proposers would otherwise refuse each other in a loop. */
    void onRefusal(ViewRefusal refusal) {
        highestRound = Math.max(highestRound, refusal.promised().round());
        if (ballot != null && refusal.ballot().equals(ballot)) {
            refused = true;
        }
    }
}
