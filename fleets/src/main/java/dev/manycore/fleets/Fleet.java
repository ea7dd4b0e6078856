package dev.manycore.fleets;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.internal.FleetMember;
import dev.manycore.fleets.internal.FleetState;
import dev.manycore.fleets.internal.FleetTiming;
import dev.manycore.fleets.internal.MembershipMessages.Depart;
import dev.manycore.fleets.internal.ServerControl;
import dev.manycore.fleets.internal.ServerRuntime;
import dev.manycore.fleets.internal.Wake;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A fleet: a named set of servers of one kind on dedicated cores spread over the chip, which
 * cooperate to provide one service (fos paper 3.2, fos report 3.2: scalability, self-awareness,
 * elasticity, fault tolerance). Members are placed on explicit cores or by the DQDT
 * ({@link Dqdt#placeProcess()}, which spreads them); they keep a membership view with an epoch and
 * a deterministic coordinator, exchange heartbeats with load reports, suspect and remove silent
 * members, and admit or release members while serving (see {@link FleetServer} for how state moves).
 *
 * <p>This handle is the fleet seen from outside (a kernel, a test): it spawns members, asks them to
 * leave, reads the views they publish. It never touches a member's state directly.
 *
 * <p>Thread-safe.
 */
public final class Fleet {

    private final Engine engine;
    private final String name;
    private final Supplier<? extends FleetServer> factory;
    private final Dqdt dqdt;
    private final long seed;
    private final FleetTiming timing;
    private final FleetState state;
    private final int outboxBound;
    private final Set<CoreId> cores = ConcurrentHashMap.newKeySet();

    private Fleet(Builder b) {
        this.engine = b.engine;
        this.name = b.name;
        this.factory = b.factory;
        this.dqdt = b.dqdt;
        this.seed = b.seed;
        this.timing = new FleetTiming(b.heartbeat.toNanos(), b.suspectAfter.toNanos());
        this.state = new FleetState(b.name);
        this.outboxBound = b.outboxBound;
    }

    /**
     * @param engine  the engine the members run on
     * @param name    the fleet's name, such as {@code names} (used in logs and views)
     * @param factory makes one member's service object per call
     * @return a builder
     */
    public static Builder builder(Engine engine, String name, Supplier<? extends FleetServer> factory) {
        return new Builder(engine, name, factory);
    }

    private void bootstrap(List<CoreId> first) {
        List<Address> members = new ArrayList<>();
        for (CoreId core : first) {
            members.add(spawn(core, false));
        }
        state.setInitial(new MembershipView(name, 1, members));
        for (Address a : members) {
            engine.inject(a, a, Wake.INSTANCE, 0L);
        }
    }

    private Address spawn(CoreId core, boolean joining) {
        if (!cores.add(core)) {
            throw new IllegalArgumentException("core " + core + " already runs a member of fleet " + name
                    + ": members have dedicated cores");
        }
        ServerControl control = new ServerControl();
        FleetServer service = Objects.requireNonNull(factory.get(), "fleet " + name + ": factory returned null");
        Address address = engine.spawn(core, ctx -> {
            FleetMember member = new FleetMember(service, state, timing, joining);
            ServerRuntime runtime = new ServerRuntime(ctx, member, seed, control);
            runtime.dutyHook(member::poll);
            runtime.outboxBound(outboxBound);
            return runtime;
        });
        state.controls().put(address, control);
        return address;
    }

    /** @return the fleet's name */
    public String name() {
        return name;
    }

    /** @return the newest view any member installed */
    public MembershipView view() {
        return state.view();
    }

    /** @return the members of the newest view */
    public List<Address> members() {
        return state.view().members();
    }

    /**
     * @param condition what a view must satisfy
     * @return completes with the first published view that satisfies it
     */
    public CompletableFuture<MembershipView> whenView(Predicate<MembershipView> condition) {
        return state.when(Objects.requireNonNull(condition, "condition is null"));
    }

    /**
     * Adds a member on a core: it asks the coordinator to join, receives its share of the state while
     * updates are held back, then serves.
     *
     * @param core a core not used by this fleet
     * @return completes with the new member's address once a view includes it
     * @throws IllegalArgumentException if the core already runs a member of this fleet
     */
    public CompletableFuture<Address> grow(CoreId core) {
        engine.topology().core(Objects.requireNonNull(core, "core is null").index());
        Address joiner = spawn(core, true);
        engine.inject(joiner, joiner, Wake.INSTANCE, 0L);
        return state.when(v -> v.contains(joiner)).thenApply(v -> joiner);
    }

    /**
     * Adds a member on a core chosen by the DQDT.
     *
     * @return as {@link #grow(CoreId)}
     * @throws IllegalStateException if the fleet was built without a DQDT
     */
    public CompletableFuture<Address> grow() {
        return grow(place());
    }

    private CoreId place() {
        if (dqdt == null) {
            throw new IllegalStateException("fleet " + name + " has no DQDT: give a core to grow(core)");
        }
        Topology t = engine.topology();
        for (int attempt = 0; attempt < t.coreCount(); attempt++) {
            CoreId c = dqdt.placeProcess().orElseThrow();
            if (!cores.contains(c)) {
                return c;
            }
        }
        throw new IllegalStateException("fleet " + name + ": the DQDT found no core free of its members");
    }

    /**
     * Asks a member to leave: it hands its state over and, once a view excludes it, forwards what
     * still reaches it.
     *
     * @param member a member of the current view
     * @return completes with the first view without it
     * @throws IllegalArgumentException if it is not a member
     */
    public CompletableFuture<MembershipView> shrink(Address member) {
        if (!state.view().contains(Objects.requireNonNull(member, "member is null"))) {
            throw new IllegalArgumentException(member + " is not a member of fleet " + name + " (view "
                    + state.view().epoch() + ": " + state.view().members() + ")");
        }
        engine.inject(member, member, new Depart(), 0L);
        return state.when(v -> !v.contains(member));
    }

    /**
     * Crashes a member, fail-stop: it stops at once, without running its service's
     * {@link FleetServer#stop()} hook, and the engine retires it ({@link Engine#retire}): its
     * mailbox closes, so later sends to it answer {@link dev.manycore.messaging.SendStatus#CLOSED}
     * (callers fail at once with an {@link UndeliverableException} instead of waiting for their
     * timeouts), the messages left in it are discarded, and calls it was waiting on fail. The
     * others still remove it only once its silence outlasts the suspicion time: a closed mailbox
     * is no proof of death, since a partition answers CLOSED too. This is what a failed core does;
     * {@link #crash} is a hang instead.
     *
     * @param member a member's address
     * @return completes, once the member no longer runs, with the number of messages discarded
     * @throws IllegalArgumentException if the address was never a member of this fleet
     */
    public CompletableFuture<Long> failStop(Address member) {
        control(member).crash();
        return engine.retire(member);
    }

    /**
     * Crashes a member as a hang, for failure-detection tests: from its next duty cycle it accepts
     * and discards every message and answers nothing, and its mailbox stays open (senders see
     * DELIVERED), so its callers learn of the failure only at their timeouts and the others only by
     * its silence. Kept as the meaning of "crash" because clients that fail over only after a
     * timeout (the page allocator's, which retries a CLOSED member at once) are tested with it; a
     * failed core that closes its mailbox is {@link #failStop}.
     *
     * @param member a member's address
     * @throws IllegalArgumentException if the address was never a member of this fleet
     */
    public void crash(Address member) {
        control(member).crash();
    }

    private ServerControl control(Address member) {
        ServerControl control = state.controls().get(Objects.requireNonNull(member, "member is null"));
        if (control == null) {
            throw new IllegalArgumentException(member + " was never a member of fleet " + name);
        }
        return control;
    }

    /**
     * For tests and monitoring: the views that members installed with an epoch that a different
     * installed view already had. The membership protocol decides each view with a quorum of the
     * previous one, so this stays empty; a non-empty list means two sides of a partition both
     * moved on, and their states may have diverged.
     *
     * @return the conflicting views, in the order they were installed
     */
    public List<MembershipView> conflictingViews() {
        return state.conflictingViews();
    }

    /** @return each member's last load report */
    public Map<Address, LoadReport> loads() {
        return Map.copyOf(state.loads());
    }

    /**
     * @param member a member's address
     * @return its counters
     * @throws IllegalArgumentException if it was never a member
     */
    public ServerMetrics metrics(Address member) {
        return control(member).metrics();
    }

    @Override
    public String toString() {
        return "Fleet[" + name + ", " + state.view() + "]";
    }

    /** Configures a fleet. Not thread-safe. */
    public static final class Builder {
        private final Engine engine;
        private final String name;
        private final Supplier<? extends FleetServer> factory;
        private List<CoreId> cores;
        private int size;
        private Dqdt dqdt;
        private long seed = 42;
        private Duration heartbeat = Duration.ofMillis(50);
        private Duration suspectAfter = Duration.ofMillis(1500);
        private int outboxBound = ServerRuntime.DEFAULT_OUTBOX_BOUND;

        private Builder(Engine engine, String name, Supplier<? extends FleetServer> factory) {
            this.engine = Objects.requireNonNull(engine, "engine is null");
            this.name = Objects.requireNonNull(name, "fleet name is null");
            this.factory = Objects.requireNonNull(factory, "factory is null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("fleet name is blank: name the service, such as 'names'");
            }
        }

        /**
         * @param cores the first members' cores, distinct, of the engine's topology
         * @return this builder
         * @throws IllegalArgumentException if empty, repeated or not in the topology
         */
        public Builder cores(List<CoreId> cores) {
            if (cores.isEmpty()) {
                throw new IllegalArgumentException("fleet " + name + " needs at least one core");
            }
            if (Set.copyOf(cores).size() != cores.size()) {
                throw new IllegalArgumentException("cores " + cores + " of fleet " + name
                        + " repeat: members have dedicated cores");
            }
            for (CoreId c : cores) {
                engine.topology().core(c.index());
            }
            this.cores = List.copyOf(cores);
            return this;
        }

        /**
         * Places the first members with the DQDT (and later ones, for {@link Fleet#grow()}).
         *
         * @param dqdt the machine's DQDT
         * @param size the number of first members, 1 to the core count
         * @return this builder
         * @throws IllegalArgumentException if the size is out of range
         */
        public Builder placement(Dqdt dqdt, int size) {
            this.dqdt = Objects.requireNonNull(dqdt, "dqdt is null");
            if (size < 1 || size > engine.topology().coreCount()) {
                throw new IllegalArgumentException("fleet " + name + " of " + size + " members: 1 to "
                        + engine.topology().coreCount() + " (the cores of " + engine.topology().name() + ")");
            }
            this.size = size;
            return this;
        }

        /**
         * @param seed the seed of the members' random sources
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param heartbeat    the heartbeat period (default 50 ms)
         * @param suspectAfter the silence after which a member is suspected (default 1.5 s), longer than the period
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder failureDetection(Duration heartbeat, Duration suspectAfter) {
            new FleetTiming(heartbeat.toNanos(), suspectAfter.toNanos());
            this.heartbeat = heartbeat;
            this.suspectAfter = suspectAfter;
            return this;
        }

        /**
         * Bounds the messages a member queues for one destination whose mailbox is full (sent again
         * every duty cycle): beyond it, {@link ServerContext#send} answers FULL and a call fails
         * at once with an {@link UndeliverableException} that names the bound.
         *
         * @param max the bound per member and destination, positive (default
         *            {@value ServerRuntime#DEFAULT_OUTBOX_BOUND})
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder outboxBound(int max) {
            if (max <= 0) {
                throw new IllegalArgumentException("outbox bound " + max + " of fleet " + name + " is not positive");
            }
            this.outboxBound = max;
            return this;
        }

        /**
         * Spawns the first members (they start serving once the engine runs).
         *
         * @return the fleet
         * @throws IllegalStateException if neither cores nor a placement were given
         */
        public Fleet start() {
            Fleet fleet = new Fleet(this);
            List<CoreId> first = cores;
            if (first == null) {
                if (dqdt == null) {
                    throw new IllegalStateException("fleet " + name + ": give cores(...) or placement(dqdt, size)");
                }
                first = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    CoreId c = fleet.place();
                    fleet.cores.add(c);
                    first.add(c);
                }
                fleet.cores.clear();
            }
            fleet.bootstrap(first);
            return fleet;
        }
    }
}
