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
import dev.manycore.fleets.internal.MembershipMessages.Welcome;
import dev.manycore.messaging.Address;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
 *       removes it with a new view at once; the others watch only the coordinator, and when they
 *       suspect it the next lowest address takes over, giving every member a full suspicion time
 *       to redirect its heartbeats before it watches them.</li>
 *   <li><b>Join and leave.</b> The coordinator runs one round at a time: it freezes every member
 *       (updates held back), waits until all report quiescence, then installs the view with the
 *       joiner (sending it a copy of the state first) or without the leaver (which hands its state
 *       over). A round is abandoned when a view change removes a member; the joiner or leaver keeps
 *       repeating its request, so the round is run again.</li>
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
    // coordinator side of a round
    private Round round;
    private long nextRound = 1;

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
        handlers.on(Heartbeat.class, (m, c) -> onHeartbeat(m, c.address()))
                .on(JoinRequest.class, (m, c) -> onJoinRequest(m))
                .on(LeaveRequest.class, (m, c) -> onLeaveRequest(m))
                .on(Depart.class, (m, c) -> onDepart())
                .on(Freeze.class, (m, c) -> onFreeze(m, c.address()))
                .on(Frozen.class, (m, c) -> onFrozen(m, c.address()))
                .on(NewView.class, (m, c) -> onNewView(m.view()))
                .on(MembershipMessages.ViewRequest.class, (m, c) -> {
                    if (view.epoch() > m.epoch() && status != Status.JOINING && status != Status.BOOTING) {
                        ctx.send(c.address(), new NewView(view));
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
            ctx.send(frozenBy, new Frozen(frozenEpoch, frozenRound, share));
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
                Address target = nearestLiveMember();
                if (target == null) {
                    throw new IllegalStateException("fleet " + state.name() + " has no live member to serve "
                            + message.getClass().getSimpleName());
                }
                ctx.forward(target, message, caller);
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

    private Address nearestLiveMember() {
        return Nearest.among(ctx.topology(), ctx.cluster(), state.view().members(), ctx.address()::equals);
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
            ctx.send(from, new MembershipMessages.ViewRequest(view.epoch()));
        }
        return null;
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
            MembershipView next = view.without(gone);
            ctx.logger().info("fleet {}: coordinator {} removes suspected {} -> epoch {}", state.name(),
                    ctx.address(), gone, next.epoch());
            broadcast(next);
            return;
        }
        if (round != null) {
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
        if (status == Status.MEMBER && !view.contains(request.joiner())) {
            pendingJoins.add(request.joiner());
            coordinate();
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
        if (r.joiner != null) {
            MembershipView next = view.with(r.joiner);
            Object share = service.stateFor(r.joiner, next);
            ctx.send(r.joiner, new Welcome(next, share));
            ctx.logger().info("fleet {}: {} joins -> epoch {} {}", state.name(), r.joiner, next.epoch(), next.members());
            broadcast(next);
        } else {
            MembershipView next = view.without(Set.of(r.leaver));
            if (r.handOver != null) {
                // the state moves before the view: the next coordinator has it when it installs the view
                if (next.coordinator().equals(ctx.address())) {
                    service.receiveHandOver(r.leaver, r.handOver);
                } else {
                    ctx.send(next.coordinator(), new HandOver(r.leaver, r.handOver));
                }
            }
            ctx.logger().info("fleet {}: {} leaves -> epoch {} {}", state.name(), r.leaver, next.epoch(), next.members());
            broadcast(next);
        }
        return null;
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
        if (status != Status.JOINING) {
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
        if (round != null) {
            round = null;
        }
        boolean member = next.contains(ctx.address());
        Status before = status;
        status = member ? Status.MEMBER : (before == Status.JOINING || before == Status.BOOTING ? before : Status.DEPARTED);
        if (status == Status.DEPARTED && before == Status.MEMBER) {
            ctx.logger().info("fleet {}: {} is no longer a member (epoch {}); it forwards from now on",
                    state.name(), ctx.address(), next.epoch());
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
