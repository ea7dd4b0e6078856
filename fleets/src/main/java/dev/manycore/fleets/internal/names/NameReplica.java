package dev.manycore.fleets.internal.names;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.ScheduledTimer;
import dev.manycore.fleets.internal.Nearest;
import dev.manycore.fleets.internal.names.CommitProtocol.Abort;
import dev.manycore.fleets.internal.names.CommitProtocol.AbortAck;
import dev.manycore.fleets.internal.names.CommitProtocol.Answer;
import dev.manycore.fleets.internal.names.CommitProtocol.Commit;
import dev.manycore.fleets.internal.names.CommitProtocol.CommitAck;
import dev.manycore.fleets.internal.names.CommitProtocol.Inquiry;
import dev.manycore.fleets.internal.names.CommitProtocol.Outcome;
import dev.manycore.fleets.internal.names.CommitProtocol.Prepare;
import dev.manycore.fleets.internal.names.CommitProtocol.TxId;
import dev.manycore.fleets.internal.names.CommitProtocol.Vote;
import dev.manycore.fleets.internal.names.NameRequests.Claim;
import dev.manycore.fleets.internal.names.NameRequests.Committed;
import dev.manycore.fleets.internal.names.NameRequests.Delete;
import dev.manycore.fleets.internal.names.NameRequests.Dump;
import dev.manycore.fleets.internal.names.NameRequests.FollowMove;
import dev.manycore.fleets.internal.names.NameRequests.Lookup;
import dev.manycore.fleets.internal.names.NameRequests.LookupAll;
import dev.manycore.fleets.internal.names.NameRequests.LookupResult;
import dev.manycore.fleets.internal.names.NameRequests.Members;
import dev.manycore.fleets.internal.names.NameRequests.Move;
import dev.manycore.fleets.internal.names.NameRequests.Moved;
import dev.manycore.fleets.internal.names.NameRequests.NameUpdate;
import dev.manycore.fleets.internal.names.NameRequests.ReportLoad;
import dev.manycore.fleets.internal.names.NameRequests.Unregister;
import dev.manycore.fleets.names.LookupPolicy;
import dev.manycore.fleets.names.NameConflictException;
import dev.manycore.fleets.names.NameEntry;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.names.NameServiceException;
import dev.manycore.fleets.names.NameServiceTimeoutException;
import dev.manycore.fleets.names.NameTableImage;
import dev.manycore.fleets.names.NameWatchersFullException;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameInvalidation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member of the name service fleet: a full replica of the name table (fos report 4.8.2, the
 * replicated key-value store; fos report 4.7.1, naming).
 *
 * <p><b>Reads</b> are answered from the local replica (clients ask their nearest member). Each
 * lookup records its requester, so a later delete, unregister or move of the name sends the
 * requester's core a {@link NameInvalidation} for its {@link dev.manycore.messaging.NameCache}.
 *
 * <p><b>Updates</b> are coordinated by the member that receives them, with two-phase commit
 * across the current view. A participant locks the update's name (a claim locks the whole
 * namespace) and validates it against its replica, then votes. Conflicts are settled by
 * wait-die: an older transaction waits for the lock, a younger one is refused with
 * {@link NameConflictException}, so of two conflicting updates the older commits and there is no
 * deadlock. Every prepare carries the view's epoch; a participant at another epoch votes no
 * ("stale") and the coordinator runs the update again in the new view.
 *
 * <p><b>Failures.</b> When a view change removes members, the coordinator aborts and restarts
 * its undecided transactions in the new view. A participant holding a transaction prepared by a
 * coordinator that left runs a termination round: it asks every member of the new view; a member
 * that answers "prepared" promises to ignore the old coordinator from then on, and a member that
 * knows nothing of the transaction promises never to prepare it. The first answer that settles
 * the outcome decides: a member that committed or aborted it, or a participant that never voted
 * (so the coordinator cannot have committed: abort); when every member answered "prepared" or was
 * not a participant, all abort (no member of the view can learn a commit any more: each promised
 * to ignore the coordinator). A round that loses a member is run again in the next view, so the
 * outcome is resolved as long as one member that knows it survives, whatever the number of
 * failures, and is abort when none does. A coordinator decides to commit only after every
 * member of its view voted yes, and answers its client only after every participant acknowledged
 * applying the commit; so replicas never diverge, and an update reported committed is in every
 * replica of the view. A
 * coordinator evicted while it waits for acknowledgements answers "outcome unknown"
 * ({@link NameServiceTimeoutException}): the members that remain decide.
 *
 * <p><b>Lost messages.</b> A partition shorter than the suspicion time evicts nobody, but a send
 * across the cut is refused. So every round is driven to its end by retransmission (the classic
 * remedy of two-phase commit over lossy links): while a transaction waits for votes, commit
 * acknowledgements or abort acknowledgements, and while a termination round waits for answers,
 * the waiting member sends the message again to every member of its view that has not answered,
 * once per retransmission period (the fleet's heartbeat period). Participants answer duplicates
 * by transaction id without changing anything: a prepared participant repeats its vote, a queued
 * prepare is not queued twice, a participant that applied a commit acknowledges it again, and an
 * abort is always acknowledged. So a replica cut off for a while still applies every update
 * committed meanwhile, and replicas stay identical.
 *
 * <p><b>Partitions longer than the suspicion time.</b> The fleet installs a new view only with a
 * quorum of the current one (FleetMember, ViewAgreement), so at most one side of a partition
 * moves on. A member on the other side keeps its view and keeps answering reads from its replica
 * (which may miss what the other side commits meanwhile); its updates cannot commit, since a
 * commit needs a yes from every member of the view and the members that moved on vote "stale" or
 * cannot be reached: they wait, and the client's update timeout answers
 * {@link NameServiceTimeoutException} (outcome unknown: once the member learns it was evicted it
 * hands the waiting update to the primary side's coordinator, which may still commit it). On heal
 * an evicted replica {@link #rejoinsAfterEviction() joins again}, drops what it had prepared and
 * copies the table from the primary side, so every replica converges.
 *
 * <p><b>Joins</b> (fos report 4.4): the fleet freezes every member; a frozen member holds new
 * updates back and reports quiescence when it coordinates, holds and waits for nothing; the
 * coordinator then copies its table to the joiner.
 *
 * <p>The fleet's own members are registered under {@code /sys/names} (a service set, nearest
 * policy), updated deterministically by every replica on every view change.
 *
 * <p>Not thread-safe: confined to its member's thread.
 */
public final class NameReplica implements FleetServer {

    /** The name the name service registers its own members under. */
    public static final Name SELF = Name.of("/sys/names");
    private static final int DECIDED_MEMORY = 1 << 16;
    private static final int MAX_ATTEMPTS = 8;
    /** The requesters remembered per name (for cache invalidation) when no bound is given. */
    public static final int DEFAULT_MAX_WATCHERS = 4096;
    /** The retransmission period when none is given: the fleet's default heartbeat period. */
    public static final long DEFAULT_RETRANSMIT_NANOS = 50_000_000L;

    private FleetContext ctx;
    private NameTable table = NameTable.boot();
    private LookupSelection selection;
    private final Map<TxId, Coordinated> coordinating = new LinkedHashMap<>();
    private final Map<TxId, Coordinated> committing = new LinkedHashMap<>();
    private final Map<TxId, Prepared> prepared = new LinkedHashMap<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private final List<Waiting> early = new ArrayList<>();
    private final LinkedHashMap<TxId, Outcome> decided = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TxId, Outcome> eldest) {
            return size() > DECIDED_MEMORY;
        }
    };
    private final Map<TxId, Termination> terminations = new LinkedHashMap<>();
    /** Transactions this member answered UNKNOWN about, so promised never to prepare. */
    private final LinkedHashMap<TxId, Boolean> refused = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TxId, Boolean> eldest) {
            return size() > DECIDED_MEMORY;
        }
    };
    private final Map<TxId, Aborting> aborting = new LinkedHashMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final List<Held> awaitingView = new ArrayList<>();
    private final Map<Name, Set<Address>> watchers = new HashMap<>();
    private final PublishedNames published;
    private final long retransmitNanos;
    private final int maxWatchers;
    private ScheduledTimer retransmitTimer;
    private boolean frozen;
    private long sequence;

    /** A replica that publishes to no engine-level resolver. */
    public NameReplica() {
        this(null);
    }

    /**
     * @param published the engine-level resolver to publish committed names to, or null
     */
    public NameReplica(PublishedNames published) {
        this(published, DEFAULT_RETRANSMIT_NANOS);
    }

    /**
     * @param published       the engine-level resolver to publish committed names to, or null
     * @param retransmitNanos how long a member waits for an answer of the commit protocol before it
     *                        sends its message again (the fleet's heartbeat period), positive
     * @throws IllegalArgumentException if the period is not positive
     */
    public NameReplica(PublishedNames published, long retransmitNanos) {
        this(published, retransmitNanos, DEFAULT_MAX_WATCHERS);
    }

    /**
     * @param published       the engine-level resolver to publish committed names to, or null
     * @param retransmitNanos the retransmission period (the fleet's heartbeat period), positive
     * @param maxWatchers     the requesters remembered per name for cache invalidation, positive;
     *                        a lookup by one more fails with {@link NameWatchersFullException}
     * @throws IllegalArgumentException if the period or the bound is not positive
     */
    public NameReplica(PublishedNames published, long retransmitNanos, int maxWatchers) {
        if (retransmitNanos <= 0) {
            throw new IllegalArgumentException("retransmission period " + retransmitNanos + " ns is not positive");
        }
        if (maxWatchers <= 0) {
            throw new IllegalArgumentException("maxWatchers " + maxWatchers + " is not positive");
        }
        this.published = published;
        this.retransmitNanos = retransmitNanos;
        this.maxWatchers = maxWatchers;
    }

    @Override
    public void start(FleetContext context, Handlers handlers) {
        this.ctx = context;
        this.selection = new LookupSelection(context.topology());
        handlers.on(NameUpdate.class, (u, c) -> onUpdate(u, c, 0))
                .on(Lookup.class, this::onLookup)
                .on(LookupAll.class, this::onLookupAll)
                .on(FollowMove.class, (f, c) -> new Moved(f.from(), table.redirect(f.from())))
                .on(Dump.class, (d, c) -> table.image())
                .on(ReportLoad.class, (r, c) -> {
                    selection.reportLoad(r.address(), r.load());
                    return null;
                })
                .on(Prepare.class, (p, c) -> onPrepare(p, c.address()))
                .on(Vote.class, (v, c) -> onVote(v, c.address()))
                .on(Commit.class, (m, c) -> onDecision(m.tx(), true, c.address()))
                .on(CommitAck.class, (m, c) -> onCommitAck(m.tx(), c.address()))
                .on(Abort.class, (m, c) -> onDecision(m.tx(), false, c.address()))
                .on(AbortAck.class, (m, c) -> onAbortAck(m.tx(), c.address()))
                .on(Inquiry.class, (q, c) -> onInquiry(q, c.address()))
                .on(Answer.class, (a, c) -> onAnswer(a, c.address()));
    }

    // ---------------------------------------------------------------- reads

    private Object onLookup(Lookup lookup, Caller caller) {
        NameEntry e = table.get(lookup.name());
        if (e == null) {
            throw new NameNotFoundException(lookup.name(), "name " + lookup.name() + " is not registered");
        }
        watch(lookup.name(), caller.address());
        Address chosen = selection.choose(e, ctx.topology().clusterOf(caller.address().core()), lookup.key());
        return new LookupResult(e.name(), chosen, e.version(), e.flags().policy());
    }

    private Object onLookupAll(LookupAll lookup, Caller caller) {
        NameEntry e = table.get(lookup.name());
        if (e == null) {
            throw new NameNotFoundException(lookup.name(), "name " + lookup.name() + " is not registered");
        }
        watch(lookup.name(), caller.address());
        return new Members(e.name(), e.mappings(), e.version());
    }

    /** Remembers a requester to invalidate when the name changes; refuses one more than the bound. */
    private void watch(Name name, Address requester) {
        Set<Address> set = watchers.computeIfAbsent(name, n -> new HashSet<>());
        if (set.size() >= maxWatchers && !set.contains(requester)) {
            throw new NameWatchersFullException(name, "member " + ctx.address() + " already keeps " + maxWatchers
                    + " requesters of " + name + " to invalidate (the bound, maxWatchersPerName): lookup refused;"
                    + " retry later or raise the bound");
        }
        set.add(requester);
    }

    // ---------------------------------------------------------------- coordinator side

    private Object onUpdate(NameUpdate update, Caller caller, int attempts) {
        if (frozen) {
            held.add(new Held(update, caller, attempts));
            return null;
        }
        MembershipView view = ctx.view();
        TxId id = new TxId(ctx.now(), ctx.address(), sequence++);
        Coordinated tx = new Coordinated(id, update, caller, view.epoch(), view.members(), attempts);
        coordinating.put(id, tx);
        Prepare prepare = new Prepare(id, view.epoch(), update, view.members());
        for (Address a : view.members()) {
            ctx.send(a, prepare);
        }
        armRetransmission();
        return null;
    }

    private Object onVote(Vote vote, Address from) {
        Coordinated tx = coordinating.get(vote.tx());
        if (tx == null || !tx.waitingFor.remove(from)) {
            return null;
        }
        if (vote.yes()) {
            tx.version = vote.version();
            if (tx.waitingFor.isEmpty()) {
                coordinating.remove(tx.id);
                Commit commit = new Commit(tx.id);
                for (Address a : tx.participants) {
                    ctx.send(a, commit);
                }
                // the client hears of the commit once every participant applied it (our own one too),
                // so a reply "committed" survives any failure of this coordinator
                tx.waitingFor.addAll(tx.participants);
                committing.put(tx.id, tx);
                armRetransmission();
            }
            return null;
        }
        abort(tx);
        if (vote.stale()) {
            retry(tx);
        } else {
            NameServiceException e = NameServiceException.rebuild(vote.errorType(), tx.update.name(), vote.message());
            if (e == null) {
                ctx.replyError(tx.caller, new IllegalStateException(vote.errorType() + ": " + vote.message()));
            } else {
                ctx.replyError(tx.caller, e);
            }
        }
        return null;
    }

    private Object onCommitAck(TxId id, Address from) {
        Coordinated tx = committing.get(id);
        if (tx != null && tx.waitingFor.remove(from)) {
            replyIfApplied(tx);
        }
        return null;
    }

    private void replyIfApplied(Coordinated tx) {
        if (tx.waitingFor.isEmpty()) {
            committing.remove(tx.id);
            // the version is the one every replica computed: updates of a name are serialised by its lock
            ctx.reply(tx.caller, new Committed(tx.update.name(), tx.version));
        }
    }

    private void abort(Coordinated tx) {
        coordinating.remove(tx.id);
        Abort abort = new Abort(tx.id);
        for (Address a : tx.participants) {
            ctx.send(a, abort);
        }
        // sent again until every participant still in the view acknowledged: a lost abort would
        // leave a participant holding the name's lock
        aborting.put(tx.id, new Aborting(new HashSet<>(tx.participants)));
        armRetransmission();
    }

    private Object onAbortAck(TxId id, Address from) {
        Aborting a = aborting.get(id);
        if (a != null && a.waitingFor.remove(from) && a.waitingFor.isEmpty()) {
            aborting.remove(id);
        }
        return null;
    }

    // ---------------------------------------------------------------- retransmission

    private boolean awaitsAnswers() {
        return !coordinating.isEmpty() || !committing.isEmpty() || !aborting.isEmpty() || !terminations.isEmpty();
    }

    private void armRetransmission() {
        if (retransmitTimer == null && awaitsAnswers()) {
            retransmitTimer = ctx.schedule(retransmitNanos, this::retransmit);
        }
    }

    /** Sends every unanswered message of the commit protocol again to the members of the view that owe an answer. */
    private void retransmit() {
        retransmitTimer = null;
        if (!ctx.isMember()) {
            return;
        }
        MembershipView view = ctx.view();
        for (Coordinated tx : coordinating.values()) {
            resend(view, tx.waitingFor, new Prepare(tx.id, tx.epoch, tx.update, tx.participants));
        }
        for (Coordinated tx : committing.values()) {
            resend(view, tx.waitingFor, new Commit(tx.id));
        }
        for (Map.Entry<TxId, Aborting> e : aborting.entrySet()) {
            resend(view, e.getValue().waitingFor, new Abort(e.getKey()));
        }
        for (Map.Entry<TxId, Termination> e : terminations.entrySet()) {
            resend(view, e.getValue().waitingFor, new Inquiry(e.getKey()));
        }
        armRetransmission();
    }

    private void resend(MembershipView view, Set<Address> to, Object message) {
        for (Address a : to) {
            if (view.contains(a)) {
                ctx.send(a, message);
            }
        }
    }

    private void retry(Coordinated tx) {
        if (tx.attempts + 1 >= MAX_ATTEMPTS) {
            ctx.replyError(tx.caller, new NameConflictException(tx.update.name(), "update of " + tx.update.name()
                    + " was interrupted by " + MAX_ATTEMPTS + " view changes; retry"));
            return;
        }
        if (tx.epoch < ctx.view().epoch()) {
            onUpdate(tx.update, tx.caller, tx.attempts + 1);
        } else {
            awaitingView.add(new Held(tx.update, tx.caller, tx.attempts + 1));
        }
    }

    // ---------------------------------------------------------------- participant side

    private Object onPrepare(Prepare p, Address from) {
        // a retransmitted prepare: repeat the vote, or keep waiting, without preparing twice
        Prepared already = prepared.get(p.tx());
        if (already != null) {
            if (!already.promised && from.equals(already.coordinator)) {
                ctx.send(from, Vote.yes(p.tx(), already.version));
            }
            return null;
        }
        if (queued(waiting, p.tx()) || queued(early, p.tx())) {
            return null;
        }
        long epoch = ctx.view().epoch();
        if (p.epoch() > epoch) {
            early.add(new Waiting(p, from));
            return null;
        }
        if (p.epoch() < epoch || !ctx.isMember() || decided.containsKey(p.tx()) || refused.containsKey(p.tx())) {
            ctx.send(from, Vote.stale(p.tx()));
            return null;
        }
        Prepared holder = lockHolder(p.update());
        if (holder != null) {
            if (p.tx().compareTo(holder.tx) < 0) {
                waiting.add(new Waiting(p, from));
            } else {
                ctx.send(from, Vote.no(p.tx(), NameConflictException.class.getName(),
                        "name " + p.update().name() + " is being updated by another transaction: retry"));
            }
            return null;
        }
        try {
            table.check(p.update());
        } catch (NameServiceException e) {
            ctx.send(from, Vote.no(p.tx(), e.getClass().getName(), e.getMessage()));
            return null;
        }
        long version = p.update() instanceof Claim ? 0 : table.lastVersion(p.update().name()) + 1;
        prepared.put(p.tx(), new Prepared(p.tx(), p.update(), from, version, p.participants()));
        ctx.send(from, Vote.yes(p.tx(), version));
        return null;
    }

    private static boolean queued(List<Waiting> queue, TxId tx) {
        for (Waiting w : queue) {
            if (w.prepare.tx().equals(tx)) {
                return true;
            }
        }
        return false;
    }

    private Prepared lockHolder(NameUpdate update) {
        for (Prepared p : prepared.values()) {
            if (conflicts(p.update, update)) {
                return p;
            }
        }
        return null;
    }

    static boolean conflicts(NameUpdate a, NameUpdate b) {
        boolean aTree = a instanceof Claim;
        boolean bTree = b instanceof Claim;
        if (!aTree && !bTree) {
            return a.name().equals(b.name());
        }
        if (aTree && bTree) {
            return a.name().contains(b.name()) || b.name().contains(a.name());
        }
        return aTree ? a.name().contains(b.name()) : b.name().contains(a.name());
    }

    private Object onDecision(TxId tx, boolean commit, Address from) {
        Prepared p = prepared.get(tx);
        if (p == null) {
            // an abort may overtake nothing (FIFO per pair) but may find the prepare still waiting
            waiting.removeIf(w -> w.prepare.tx().equals(tx));
            early.removeIf(w -> w.prepare.tx().equals(tx));
            if (!commit) {
                decided.putIfAbsent(tx, Outcome.ABORTED);
                ctx.send(from, new AbortAck(tx));
            } else if (decided.get(tx) == Outcome.COMMITTED) {
                ctx.send(from, new CommitAck(tx)); // a retransmitted commit, applied already
            }
            return null;
        }
        if (p.promised || !from.equals(p.coordinator)) {
            if (!commit) {
                // the coordinator aborted, so no member committed: a termination round aborts too
                ctx.send(from, new AbortAck(tx));
            }
            return null; // the old coordinator lost its say: a termination round decides
        }
        resolve(p, commit);
        ctx.send(from, commit ? new CommitAck(tx) : new AbortAck(tx));
        return null;
    }

    private void resolve(Prepared p, boolean commit) {
        prepared.remove(p.tx);
        terminations.remove(p.tx);
        decided.put(p.tx, commit ? Outcome.COMMITTED : Outcome.ABORTED);
        if (commit) {
            long before = table.lastVersion(p.update.name());
            table.apply(p.update);
            publish(p.update.name());
            if (p.update instanceof Delete || p.update instanceof Unregister || p.update instanceof Move) {
                invalidate(p.update.name(), before);
            }
        }
        releaseWaiters();
    }

    private void publish(Name name) {
        if (published != null) {
            NameEntry e = table.get(name);
            published.publish(name, e == null ? List.of() : e.mappings(), table.lastVersion(name));
        }
    }

    private void invalidate(Name name, long staleVersion) {
        NameInvalidation message = new NameInvalidation(name, staleVersion);
        if (published != null) {
            for (Address a : published.takeWatchers(name)) {
                ctx.send(a, message);
            }
        }
        Set<Address> holders = watchers.remove(name);
        if (holders == null) {
            return;
        }
        for (Address a : holders) {
            ctx.send(a, message);
        }
    }

    private void releaseWaiters() {
        if (waiting.isEmpty()) {
            return;
        }
        List<Waiting> again = new ArrayList<>(waiting);
        waiting.clear();
        again.sort((x, y) -> x.prepare.tx().compareTo(y.prepare.tx()));
        for (Waiting w : again) {
            onPrepare(w.prepare, w.from);
        }
    }

    // ---------------------------------------------------------------- termination

    private Object onInquiry(Inquiry q, Address from) {
        Outcome known = decided.get(q.tx());
        if (known == null) {
            Prepared p = prepared.get(q.tx());
            if (p != null) {
                p.promised = true;
                known = Outcome.PREPARED;
            } else {
                // never voted: promise never to (a prepare still on its way, or waiting for the
                // name's lock, is refused), so the coordinator cannot commit and the asker may abort
                refused.put(q.tx(), Boolean.TRUE);
                waiting.removeIf(w -> w.prepare.tx().equals(q.tx()));
                early.removeIf(w -> w.prepare.tx().equals(q.tx()));
                known = Outcome.UNKNOWN;
            }
        }
        ctx.send(from, new Answer(q.tx(), known));
        return null;
    }

    private Object onAnswer(Answer answer, Address from) {
        Termination t = terminations.get(answer.tx());
        Prepared p = prepared.get(answer.tx());
        if (t == null || p == null || !t.waitingFor.remove(from)) {
            return null;
        }
        // any member that knows the outcome settles it; a participant that never voted (and now
        // never will) means no commit; otherwise every member of the view was prepared or was not
        // a participant, each promised to ignore the old coordinator, and abort is the outcome
        // (a member that applied a commit and left is no longer in the view: it cannot disagree)
        switch (answer.outcome()) {
            case COMMITTED -> resolve(p, true);
            case ABORTED -> resolve(p, false);
            case UNKNOWN -> {
                if (p.participants.contains(from) || t.waitingFor.isEmpty()) {
                    resolve(p, false);
                }
            }
            case PREPARED -> {
                if (t.waitingFor.isEmpty()) {
                    resolve(p, false);
                }
            }
        }
        return null;
    }

    private void startTermination(Prepared p, MembershipView view) {
        p.promised = true;
        Set<Address> others = new LinkedHashSet<>(view.members());
        others.remove(ctx.address());
        if (others.isEmpty()) {
            resolve(p, false);
            return;
        }
        terminations.put(p.tx, new Termination(others));
        Inquiry inquiry = new Inquiry(p.tx);
        for (Address a : others) {
            ctx.send(a, inquiry);
        }
        armRetransmission();
    }

    // ---------------------------------------------------------------- fleet hooks

    @Override
    public void viewChanged(MembershipView previous, MembershipView current) {
        table.setSystemName(SELF, NameFlags.serviceSet(LookupPolicy.NEAREST), current.members(), current.epoch());
        publish(SELF);
        for (Coordinated tx : new ArrayList<>(committing.values())) {
            if (!current.contains(ctx.address())) {
                // evicted while committing: the members that remain decide the outcome
                committing.remove(tx.id);
                ctx.replyError(tx.caller, new NameServiceTimeoutException(tx.update.name(), "the member coordinating"
                        + " the update of " + tx.update.name() + " left the fleet during its commit: outcome unknown"));
            } else {
                tx.waitingFor.retainAll(current.members());
                replyIfApplied(tx);
            }
        }
        for (Iterator<Aborting> it = aborting.values().iterator(); it.hasNext(); ) {
            Aborting a = it.next();
            a.waitingFor.retainAll(current.members());
            if (a.waitingFor.isEmpty()) {
                it.remove();
            }
        }
        if (!current.contains(ctx.address())) {
            // evicted or departed: hand our clients' updates to a member
            for (Coordinated tx : new ArrayList<>(coordinating.values())) {
                abort(tx);
                held.add(new Held(tx.update, tx.caller, tx.attempts));
            }
            held.addAll(awaitingView);
            awaitingView.clear();
            Held h;
            while ((h = held.poll()) != null) {
                List<Address> refused = new ArrayList<>();
                if (!Nearest.forward(ctx, current.members(), h.update, h.caller, refused)) {
                    // not run anywhere: this member aborted what it had prepared for it
                    ctx.replyError(h.caller, new NameServiceTimeoutException(h.update.name(), "member "
                            + ctx.address() + " left the fleet before it could run the update of " + h.update.name()
                            + ", and no member took it over (refused by " + refused + "): retry"));
                }
            }
            aborting.clear(); // the members that remain terminate what we prepared with them
            return;
        }
        // 1. our undecided transactions of an older view: abort and run again in this one
        for (Coordinated tx : new ArrayList<>(coordinating.values())) {
            if (tx.epoch < current.epoch()) {
                abort(tx);
                retry(tx);
            }
        }
        // 2. prepares that arrived ahead of this view
        List<Waiting> ready = new ArrayList<>(early);
        early.clear();
        for (Waiting w : ready) {
            onPrepare(w.prepare, w.from);
        }
        // 3. waiting prepares of an older view or of a coordinator that left
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (!current.contains(w.from)) {
                it.remove();
            } else if (w.prepare.epoch() < current.epoch()) {
                it.remove();
                ctx.send(w.from, Vote.stale(w.prepare.tx()));
            }
        }
        // 4. prepared transactions whose coordinator left: terminate (again, if a round was running)
        for (Prepared p : new ArrayList<>(prepared.values())) {
            if (!current.contains(p.coordinator)) {
                startTermination(p, current);
            }
        }
        // 5. updates refused as stale in the last view run again now
        held.addAll(awaitingView);
        awaitingView.clear();
        if (!frozen) {
            thaw();
        }
    }

    @Override
    public void freeze() {
        frozen = true;
    }

    @Override
    public boolean isQuiescent() {
        return coordinating.isEmpty() && committing.isEmpty() && prepared.isEmpty() && waiting.isEmpty()
                && terminations.isEmpty();
    }

    @Override
    public void thaw() {
        frozen = false;
        List<Held> again = new ArrayList<>(held);
        held.clear();
        for (Held h : again) {
            onUpdate(h.update, h.caller, h.attempts);
        }
    }

    @Override
    public Object stateFor(Address joiner, MembershipView next) {
        return table.image();
    }

    @Override
    public void installState(Object state) {
        table = NameTable.of((NameTableImage) state);
        // a member evicted and admitted again drops what it prepared in its old view: the members
        // that stayed terminated those transactions, and the copy holds their outcome
        prepared.clear();
        waiting.clear();
        early.clear();
        terminations.clear();
    }

    /** @return true: an evicted replica joins again and replaces its table with a copy of the primary partition's */
    @Override
    public boolean rejoinsAfterEviction() {
        return true;
    }

    @Override
    public String role() {
        return "names";
    }

    private record Held(NameUpdate update, Caller caller, int attempts) {
    }

    private record Waiting(Prepare prepare, Address from) {
    }

    private static final class Coordinated {
        final TxId id;
        final NameUpdate update;
        final Caller caller;
        final long epoch;
        final List<Address> participants;
        final Set<Address> waitingFor;
        final int attempts;
        long version;

        Coordinated(TxId id, NameUpdate update, Caller caller, long epoch, List<Address> participants, int attempts) {
            this.id = id;
            this.update = update;
            this.caller = caller;
            this.epoch = epoch;
            this.participants = participants;
            this.waitingFor = new HashSet<>(participants);
            this.attempts = attempts;
        }
    }

    private static final class Prepared {
        final TxId tx;
        final NameUpdate update;
        final Address coordinator;
        final long version;
        final List<Address> participants;
        boolean promised;

        Prepared(TxId tx, NameUpdate update, Address coordinator, long version, List<Address> participants) {
            this.tx = tx;
            this.update = update;
            this.coordinator = coordinator;
            this.version = version;
            this.participants = participants;
        }
    }

    private static final class Aborting {
        final Set<Address> waitingFor;

        Aborting(Set<Address> waitingFor) {
            this.waitingFor = waitingFor;
        }
    }

    private static final class Termination {
        final Set<Address> waitingFor;

        Termination(Set<Address> waitingFor) {
            this.waitingFor = waitingFor;
        }
    }
}
