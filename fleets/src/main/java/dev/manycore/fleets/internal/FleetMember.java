package dev.manycore.fleets.internal;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.LoadReport;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.RequestHandler;
import dev.manycore.fleets.Server;
import dev.manycore.fleets.ServerContext;
import dev.manycore.fleets.ServerMetrics;
import dev.manycore.fleets.internal.MembershipMessages.Depart;
import dev.manycore.fleets.internal.MembershipMessages.Freeze;
import dev.manycore.fleets.internal.MembershipMessages.Frozen;
import dev.manycore.fleets.internal.MembershipMessages.HandOver;
import dev.manycore.fleets.internal.MembershipMessages.Heartbeat;
import dev.manycore.fleets.internal.MembershipMessages.JoinRequest;
import dev.manycore.fleets.internal.MembershipMessages.LeaveRequest;
import dev.manycore.fleets.internal.MembershipMessages.NewView;
import dev.manycore.fleets.internal.MembershipMessages.ViewAccept;
import dev.manycore.fleets.internal.MembershipMessages.ViewAccepted;
import dev.manycore.fleets.internal.MembershipMessages.ViewBid;
import dev.manycore.fleets.internal.MembershipMessages.ViewPromise;
import dev.manycore.fleets.internal.MembershipMessages.ViewRefusal;
import dev.manycore.fleets.internal.MembershipMessages.ViewRequest;
import dev.manycore.fleets.internal.MembershipMessages.Welcome;
import dev.manycore.messaging.Address;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The fleet side of one member (fos report 3.2.3 fault tolerance, 3.2.4 elasticity, 4.4 dynamic
 * join): runs the membership protocol around the service's {@link FleetServer} and gives it its
 * {@link FleetContext}.
 *
 * <p>Protocol, in short:
 * <ul>
 *   <li><b>Heartbeats.</b> Every period the coordinator (lowest unsuspected address of the view)
 *       sends its load to every member and every other member sends its load to the coordinator:
 *       2(n-1) messages a period, not the n(n-1) of all-to-all, which a 64-member page fleet could
 *       not afford. The coordinator suspects a member not heard from for the suspicion time and
 *       proposes a view without it; the others watch only the coordinator, and when they
 *       suspect it the next lowest address takes over, giving every member a full suspicion time
 *       to redirect its heartbeats before it watches them.</li>
 *   <li><b>Quorum (primary partition).</b> Every new view is decided by {@link ViewAgreement}
 *       (Paxos per epoch) with a quorum of the current view: more than half of it, or half with
 *       its coordinator. So no two different views ever have one epoch, and of two sides of a
 *       partition only one moves on; the other keeps its view and cannot commit what needs the
 *       whole view (the name service's two-phase commit), though it keeps answering reads from
 *       its state. A member that hears of a newer view (a heartbeat, a bid or a request for the
 *       view from an older epoch) sends it, so a cut-off member learns on heal that it was
 *       evicted; a service that {@link FleetServer#rejoinsAfterEviction() rejoins} then asks to
 *       join again and receives a fresh copy of the state, the others forward as departed
 *       members do.</li>
 *   <li><b>Join and leave.</b> The coordinator runs one round at a time: it freezes every member
 *       (updates held back), waits until all report quiescence, then installs the view with the
 *       joiner (sending it a copy of the state first) or without the leaver (which hands its state
 *       over), once a quorum agreed on that view. A round is abandoned when a view change removes a
 *       member; the joiner or leaver keeps repeating its request, so the round is run again. Freeze
 *       and Welcome are sent again while unanswered (a cut may lose them).</li>
 *   <li><b>Evicted or departed members</b> keep running as forwarders: a request that still
 *       reaches them goes on to the nearest member of the newest view, so none is lost.</li>
 * </ul>
 *
 * <p>Not thread-safe: confined to the member's thread.
 */
public final class FleetMember extends DelegatingContext implements Server {

    private enum Status { BOOTING, JOINING, MEMBER, DEPARTED }

    private final FleetServer service;
    private final FleetState state;
    private final FleetTiming timing;
    private final Handlers serviceHandlers = new Handlers();
    private final Map<Address, Long> lastHeard = new HashMap<>();
    private final Set<Address> suspected = new LinkedHashSet<>();
    private final Map<Address, LoadReport> loads = new HashMap<>();
    private final ArrayDeque<Held> heldUntilJoined = new ArrayDeque<>();
    private final Set<Address> pendingJoins = new LinkedHashSet<>();
    private final Set<Address> pendingLeaves = new LinkedHashSet<>();
    /** True while this member coordinates and so watches every member's heartbeats. */
    private boolean watchingAll;
    /** The coordinator this member watches when it does not coordinate. */
    private Address watched;
    private Status status;
    private MembershipView view;
    private boolean departing;
    // participant side of a freeze round
    private boolean frozen;
    private long frozenEpoch;
    private long frozenRound;
    private Address frozenBy;
    private boolean frozenReported;
    private Frozen lastFrozen;
    // coordinator side of a round
    private Round round;
    private long nextRound = 1;
    /** The join or leave round whose view is being agreed on (its side effects follow the decision). */
    private Round agreeing;
    /** The Welcome sent to each joiner not heard from since, to send again if it was lost. */
    private final Map<Address, Welcome> welcomes = new HashMap<>();
    private ViewAgreement agreement;

    /**
     * @param service the service this member runs
     * @param state   the fleet's published state
     * @param timing  heartbeat period and suspicion time
     * @param joining true for a member added by growing the fleet, false for a first member
     */
    public FleetMember(FleetServer service, FleetState state, FleetTiming timing, boolean joining) {
        this.service = service;
        this.state = state;
        this.timing = timing;
        this.status = joining ? Status.JOINING : Status.BOOTING;
        this.view = new MembershipView(state.name(), 0, java.util.List.of());
    }

    @Override
    public void start(ServerContext context, Handlers handlers) {
        this.ctx = context;
        this.agreement = new ViewAgreement(context.address(), context::send, this::decided);
        agreement.installed(view);
        handlers.on(Heartbeat.class, (m, c) -> onHeartbeat(m, c.address()))
                .on(JoinRequest.class, (m, c) -> onJoinRequest(m))
                .on(LeaveRequest.class, (m, c) -> onLeaveRequest(m))
                .on(Depart.class, (m, c) -> onDepart())
                .on(Freeze.class, (m, c) -> onFreeze(m, c.address()))
                .on(Frozen.class, (m, c) -> onFrozen(m, c.address()))
                .on(NewView.class, (m, c) -> onNewView(m.view()))
                .on(ViewRequest.class, (m, c) -> {
                    shareNewerView(m.epoch(), c.address());
                    return null;
                })
                .on(ViewBid.class, (m, c) -> {
                    if (atEpochAsMember(m.epoch(), c.address())) {
                        agreement.onBid(m, c.address());
                    }
                    return null;
                })
                .on(ViewAccept.class, (m, c) -> {
                    if (atEpochAsMember(m.epoch(), c.address())) {
                        agreement.onAccept(m, c.address());
                    }
                    return null;
                })
                .on(ViewPromise.class, (m, c) -> {
                    if (m.epoch() == view.epoch()) {
                        agreement.onPromise(m, c.address());
                    }
                    return null;
                })
                .on(ViewAccepted.class, (m, c) -> {
                    if (m.epoch() == view.epoch()) {
                        agreement.onAccepted(m, c.address());
                    }
                    return null;
                })
                .on(ViewRefusal.class, (m, c) -> {
                    if (m.epoch() == view.epoch()) {
                        agreement.onRefusal(m);
                    }
                    return null;
                })
                .on(Welcome.class, (m, c) -> onWelcome(m))
                .on(HandOver.class, (m, c) -> onHandOver(m))
                .on(Wake.class, (m, c) -> null)
                .on(Object.class, this::onServiceMessage);
        service.start(this, serviceHandlers);
        ctx.every(timing.heartbeatNanos(), this::tick);
    }

    /**
     * Duty hook: installs the first view once published and reports quiescence while frozen.
     *
     * @return work done
     */
    public int poll() {
        int work = 0;
        if (status == Status.BOOTING && state.initial() != null) {
            install(state.initial());
            work++;
        }
        if (frozen && !frozenReported && service.isQuiescent()) {
            frozenReported = true;
            Object share = departing ? service.handOver(view.without(Set.of(ctx.address()))) : null;
            lastFrozen = new Frozen(frozenEpoch, frozenRound, share);
            ctx.send(frozenBy, lastFrozen);
            work++;
        }
        return work;
    }

    // ---------------------------------------------------------------- service messages

    /**
     * Members serve; joining members hold everything until welcomed; departed members forward
     * client requests ({@link Request}s) to the nearest member and let the service answer its
     * protocol messages (it knows it is no longer a member).
     */
    private Object onServiceMessage(Object message, Caller caller) throws Exception {
        switch (status) {
            case BOOTING, JOINING -> {
                heldUntilJoined.add(new Held(message, caller));
                return null;
            }
            case DEPARTED -> {
                if (!(message instanceof Request<?>)) {
                    return handleLocally(message, caller);
                }
                forwardToLiveMember(message, caller);
                return null;
            }
            default -> {
                return handleLocally(message, caller);
            }
        }
    }

    private Object handleLocally(Object message, Caller caller) throws Exception {
        RequestHandler<Object> h = serviceHandlers.find(message.getClass());
        if (h == null) {
            throw new UnsupportedOperationException("fleet " + state.name() + " has no handler for "
                    + message.getClass().getName());
        }
        return h.handle(message, caller);
    }

    /**
     * Forwards a request that reached this departed member to the nearest member of the newest
     * view that accepts it ({@link Nearest#forward}: one that refuses it, crashed or cut off but
     * still in the view, is skipped for the next nearest), so it is not lost in the window before
     * the view drops that member.
     *
     * @throws IllegalStateException if no member of the newest view accepts it (the caller's error)
     */
    private void forwardToLiveMember(Object message, Caller caller) {
        List<Address> refused = new ArrayList<>();
        if (!Nearest.forward(ctx, state.view().members(), message, caller, refused)) {
            throw new IllegalStateException("fleet " + state.name() + " has no live member to serve "
                    + message.getClass().getSimpleName() + (refused.isEmpty() ? "" : " (refused by " + refused + ")"));
        }
    }

    // ---------------------------------------------------------------- heartbeats and suspicion

    private void tick() {
        if (status == Status.JOINING) {
            Address coordinator = state.view().coordinator();
            if (coordinator != null) {
                ctx.send(coordinator, new JoinRequest(ctx.address()));
            }
            return;
        }
        if (status != Status.MEMBER) {
            return;
        }
        long now = ctx.now();
        ServerMetrics m = ctx.metrics();
        LoadReport own = new LoadReport(ctx.address(), m.queueDepth(), m.requestRate(), m.requests(), now);
        loads.put(ctx.address(), own);
        state.loads().put(ctx.address(), own);
        Heartbeat beat = new Heartbeat(view.epoch(), own);
        Address coordinator = coordinatorExcluding(Set.of());
        boolean coordinating = ctx.address().equals(coordinator);
        if (coordinating && !watchingAll) {
            // just took over: the others have been beating to the old coordinator until now
            for (Address a : view.members()) {
                lastHeard.put(a, now);
            }
        }
        watchingAll = coordinating;
        if (!coordinating && coordinator != null && !coordinator.equals(watched)) {
            // a new coordinator only now starts beating to this member
            lastHeard.put(coordinator, now);
        }
        watched = coordinating ? null : coordinator;
        for (Address a : view.members()) {
            if (!a.equals(ctx.address()) && (coordinating || a.equals(coordinator))) {
                ctx.send(a, beat);
                Long heard = lastHeard.get(a);
                if (heard != null && now - heard > timing.suspectNanos() && suspected.add(a)) {
                    ctx.logger().info("fleet {}: {} suspects {} (silent for {} ms)", state.name(), ctx.address(), a,
                            (now - heard) / 1_000_000);
                }
            }
        }
        if (round != null && coordinating) {
            Freeze freeze = new Freeze(view.epoch(), round.id);
            for (Address a : round.waiting) {
                ctx.send(a, freeze); // a Freeze or Frozen lost at a cut would hold the round forever
            }
        }
        agreement.retransmit();
        if (departing) {
            Address leaveTo = coordinatorExcluding(Set.of());
            if (leaveTo != null && !leaveTo.equals(ctx.address())) {
                ctx.send(leaveTo, new LeaveRequest(ctx.address()));
            } else {
                pendingLeaves.add(ctx.address());
            }
        }
        coordinate();
    }

    private Object onHeartbeat(Heartbeat beat, Address from) {
        // the sender missed a view (maybe one that evicted it, decided while it was cut off)
        shareNewerView(beat.epoch(), from);
        welcomes.remove(from); // a member that beats was welcomed
        if (view.contains(from)) {
            lastHeard.put(from, ctx.now());
            loads.put(from, beat.load());
            if (suspected.remove(from)) {
                ctx.logger().info("fleet {}: {} no longer suspects {}", state.name(), ctx.address(), from);
            }
        }
        if (beat.epoch() > view.epoch() && status == Status.MEMBER) {
            // a newer view exists: usually its NewView is on its way (FIFO per sender), but it may
            // have been lost with a crashed coordinator or a closed route, so ask the sender for it
            ctx.logger().debug("fleet {}: {} at epoch {} heard epoch {} from {}", state.name(), ctx.address(),
                    view.epoch(), beat.epoch(), from);
            ctx.send(from, new ViewRequest(view.epoch()));
        }
        return null;
    }

    /**
     * Sends this member's view to a member that showed an older epoch. Only a member's or a
     * departed member's view is shared: every view they installed was decided.
     */
    private void shareNewerView(long epoch, Address to) {
        if (view.epoch() > epoch && (status == Status.MEMBER || status == Status.DEPARTED)) {
            ctx.send(to, new NewView(view));
        }
    }

    /**
     * @return true if this member takes part in deciding the view after {@code epoch}; else it
     *         tells the sender of the newer view, or asks it for its own
     */
    private boolean atEpochAsMember(long epoch, Address from) {
        if (epoch < view.epoch()) {
            shareNewerView(epoch, from);
            return false;
        }
        if (epoch > view.epoch()) {
            if (status == Status.MEMBER) {
                ctx.send(from, new ViewRequest(view.epoch()));
            }
            return false;
        }
        return status == Status.MEMBER;
    }

    private Address coordinatorExcluding(Set<Address> also) {
        for (Address a : view.members()) {
            if (!suspected.contains(a) && !also.contains(a)) {
                return a;
            }
        }
        return null;
    }

    @Override
    public boolean isCoordinator() {
        return status == Status.MEMBER && ctx.address().equals(coordinatorExcluding(Set.of()));
    }

    // ---------------------------------------------------------------- coordination

    private void coordinate() {
        if (!isCoordinator()) {
            agreement.abandon();
            agreeing = null;
            return;
        }
        Set<Address> gone = new LinkedHashSet<>();
        for (Address a : view.members()) {
            if (suspected.contains(a)) {
                gone.add(a);
            }
        }
        if (!gone.isEmpty()) {
            round = null;
            if (!agreement.proposing()) {
                MembershipView next = view.without(gone);
                ctx.logger().info("fleet {}: coordinator {} proposes to remove suspected {} -> epoch {}",
                        state.name(), ctx.address(), gone, next.epoch());
                agreeing = null;
                agreement.propose(next);
            }
            return;
        }
        if (round != null || agreement.proposing()) {
            return;
        }
        pendingJoins.removeIf(view::contains);
        pendingLeaves.removeIf(a -> !view.contains(a));
        Address joiner = pendingJoins.isEmpty() ? null : pendingJoins.iterator().next();
        Address leaver = joiner != null || pendingLeaves.isEmpty() ? null : pendingLeaves.iterator().next();
        if (joiner == null && leaver == null) {
            return;
        }
        if (leaver != null && view.size() == 1) {
            ctx.logger().warn("fleet {}: the last member {} may not leave", state.name(), leaver);
            pendingLeaves.remove(leaver);
            return;
        }
        round = new Round(nextRound++, view.epoch(), joiner, leaver, new HashSet<>(view.members()));
        Freeze freeze = new Freeze(view.epoch(), round.id);
        for (Address a : view.members()) {
            if (a.equals(ctx.address())) {
                onFreeze(freeze, a);
            } else {
                ctx.send(a, freeze);
            }
        }
    }

    private Object onJoinRequest(JoinRequest request) {
        if (status != Status.MEMBER) {
            return null;
        }
        if (!view.contains(request.joiner())) {
            pendingJoins.add(request.joiner());
            coordinate();
        } else if (welcomes.containsKey(request.joiner())) {
            // admitted, but its Welcome was lost (a partition): the same Welcome again (its state was
            // taken while every member was frozen; a joiner votes on nothing before it is welcomed)
            ctx.send(request.joiner(), welcomes.get(request.joiner()));
        }
        return null;
    }

    private Object onLeaveRequest(LeaveRequest request) {
        if (status == Status.MEMBER && view.contains(request.leaver())) {
            pendingLeaves.add(request.leaver());
            coordinate();
        }
        return null;
    }

    private Object onDepart() {
        if (status == Status.MEMBER) {
            departing = true;
            tick();
        }
        return null;
    }

    private Object onFreeze(Freeze freeze, Address from) {
        if (status != Status.MEMBER || freeze.epoch() != view.epoch()) {
            return null;
        }
        if (frozen && frozenReported && freeze.round() == frozenRound && from.equals(frozenBy)) {
            ctx.send(from, lastFrozen); // a retransmitted Freeze: the state was handed over once already
            return null;
        }
        if (!frozen) {
            service.freeze();
        }
        frozen = true;
        frozenEpoch = freeze.epoch();
        frozenRound = freeze.round();
        frozenBy = from;
        frozenReported = false;
        poll();
        return null;
    }

    private Object onFrozen(Frozen reply, Address from) {
        Round r = round;
        if (r == null || reply.round() != r.id || reply.epoch() != view.epoch() || !isCoordinator()) {
            return null;
        }
        r.waiting.remove(from);
        if (from.equals(r.leaver)) {
            r.handOver = reply.handOver();
        }
        if (!r.waiting.isEmpty()) {
            return null;
        }
        round = null;
        if (agreement.proposing()) {
            return null; // another change is being decided; the joiner or leaver asks again
        }
        agreeing = r;
        agreement.propose(r.joiner != null ? view.with(r.joiner) : view.without(Set.of(r.leaver)));
        return null;
    }

    /**
     * A quorum of the current view accepted {@code next}: moves a leaver's state, welcomes the
     * joiners with a copy of the state, then installs and announces the view. The decided view may
     * be another proposer's (Paxos makes a proposer adopt a view a member already accepted); its
     * joiners are welcomed all the same, from this member's state.
     */
    private void decided(MembershipView next) {
        Round r = agreeing;
        agreeing = null;
        if (r != null && r.leaver != null && r.handOver != null && !next.contains(r.leaver) && next.size() > 0) {
            // the state moves before the view: the next coordinator has it when it installs the view
            if (next.coordinator().equals(ctx.address())) {
                service.receiveHandOver(r.leaver, r.handOver);
            } else {
                ctx.send(next.coordinator(), new HandOver(r.leaver, r.handOver));
            }
        }
        for (Address a : next.members()) {
            if (!view.contains(a)) {
                Welcome welcome = new Welcome(next, service.stateFor(a, next));
                welcomes.put(a, welcome);
                ctx.send(a, welcome);
            }
        }
        ctx.logger().info("fleet {}: {} installs epoch {} {} (was {})", state.name(), ctx.address(), next.epoch(),
                next.members(), view.members());
        broadcast(next);
    }

    /**
     * Sends the new view to every other member of the old view, removed ones included (a member
     * wrongly suspected learns that it was evicted and turns into a forwarder), then installs it.
     */
    private void broadcast(MembershipView next) {
        NewView message = new NewView(next);
        for (Address a : view.members()) {
            if (!a.equals(ctx.address())) {
                ctx.send(a, message);
            }
        }
        install(next);
    }

    private Object onNewView(MembershipView next) {
        if (status == Status.MEMBER && next.epoch() > view.epoch()) {
            install(next);
        }
        return null;
    }

    private Object onWelcome(Welcome welcome) {
        // a rejoining member holds the view that evicted it: an older view cannot admit it
        if (status != Status.JOINING || welcome.view().epoch() <= view.epoch() || !welcome.view().contains(ctx.address())) {
            return null;
        }
        if (welcome.state() != null) {
            service.installState(welcome.state());
        }
        install(welcome.view());
        return null;
    }

    private Object onHandOver(HandOver handOver) {
        if (handOver.state() != null) {
            service.receiveHandOver(handOver.from(), handOver.state());
        }
        return null;
    }

    private void install(MembershipView next) {
        MembershipView previous = view;
        view = next;
        long now = ctx.now();
        lastHeard.keySet().retainAll(next.members());
        suspected.retainAll(next.members());
        loads.keySet().retainAll(next.members());
        for (Address a : next.members()) {
            lastHeard.putIfAbsent(a, now);
        }
        round = null;
        agreeing = null;
        agreement.installed(next);
        boolean member = next.contains(ctx.address());
        Status before = status;
        if (member) {
            status = Status.MEMBER;
        } else if (before == Status.MEMBER && !departing && service.rejoinsAfterEviction()) {
            // evicted without asking: wrongly suspected, or cut off from the primary partition
            // (a quorum of the view decided without it); it asks to join again and receives a
            // fresh copy of the state, as any joiner does, so its replica converges
            status = Status.JOINING;
            watchingAll = false;
            watched = null;
            suspected.clear();
            pendingJoins.clear();
            pendingLeaves.clear();
            ctx.logger().info("fleet {}: {} was evicted (epoch {} {}); it rejoins", state.name(), ctx.address(),
                    next.epoch(), next.members());
        } else if (before == Status.MEMBER || before == Status.DEPARTED) {
            status = Status.DEPARTED;
            if (before == Status.MEMBER) {
                ctx.logger().info("fleet {}: {} is no longer a member (epoch {}); it forwards from now on",
                        state.name(), ctx.address(), next.epoch());
            }
        }
        if (member) {
            state.publish(next);
        }
        service.viewChanged(previous, next);
        if (frozen) {
            frozen = false;
            service.thaw();
        }
        if (status == Status.MEMBER && before != Status.MEMBER) {
            Held h;
            while ((h = heldUntilJoined.poll()) != null) {
                ctx.executor().execute(redispatch(h));
            }
        } else if (status == Status.DEPARTED) {
            Held h;
            while ((h = heldUntilJoined.poll()) != null) {
                ctx.executor().execute(redispatch(h));
            }
        }
    }

    private Runnable redispatch(Held h) {
        return () -> {
            try {
                Object result = onServiceMessage(h.message, h.caller);
                if (result != null && h.caller.expectsReply()) {
                    if (result instanceof CompletionStage<?> stage) {
                        stage.whenComplete((v, e) -> {
                            if (e != null) {
                                ctx.replyError(h.caller, e);
                            } else if (v != null) {
                                ctx.reply(h.caller, v);
                            }
                        });
                    } else {
                        ctx.reply(h.caller, result);
                    }
                }
            } catch (Exception e) {
                if (h.caller.expectsReply()) {
                    ctx.replyError(h.caller, e);
                }
            }
        };
    }

    @Override
    public void stop() {
        service.stop();
    }

    @Override
    public String role() {
        return service.role();
    }

    // ---------------------------------------------------------------- FleetContext

    @Override
    public String fleetName() {
        return state.name();
    }

    @Override
    public MembershipView view() {
        return view;
    }

    @Override
    public boolean isMember() {
        return status == Status.MEMBER;
    }

    @Override
    public Set<Address> suspected() {
        return Collections.unmodifiableSet(suspected);
    }

    @Override
    public Map<Address, LoadReport> loads() {
        return Collections.unmodifiableMap(loads);
    }

    private record Held(Object message, Caller caller) {
    }

    private static final class Round {
        final long id;
        final long epoch;
        final Address joiner;
        final Address leaver;
        final Set<Address> waiting;
        Object handOver;

        Round(long id, long epoch, Address joiner, Address leaver, Set<Address> waiting) {
            this.id = id;
            this.epoch = epoch;
            this.joiner = joiner;
            this.leaver = leaver;
            this.waiting = waiting;
        }
    }
}
