package dev.manycore.fleets.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.internal.pages.BankGroups;
import dev.manycore.fleets.internal.pages.BankSlot;
import dev.manycore.fleets.internal.pages.PageFleetState;
import dev.manycore.fleets.internal.pages.PageMember;
import dev.manycore.fleets.names.FleetRegistration;
import dev.manycore.fleets.names.LookupPolicy;
import dev.manycore.fleets.names.NameFlags;
import dev.manycore.fleets.names.NameService;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.Name;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The page allocator fleet (fos report 4.7.2; ALMOS physical page manager): page frames live in
 * the memory bank of their cluster; one member serves the banks of each group of
 * {@link Builder#clustersPerMember K} nearby clusters (2x2 blocks of a mesh for K = 4, the DQDT's
 * level-1 subtrees) from a core inside the group, runs a buddy allocator over each bank and keeps
 * the DQDT's free-page and free-block indicators current. Requests come from
 * {@link PageAllocatorClient}s, one per core, which reach the member of their own group (or, with
 * a {@link Builder#nameService name service}, the nearest member registered under
 * {@value #NAME}).
 *
 * <p>Policies ({@link PagePolicy}): locality (ALMOS, the default: the requester's cluster first,
 * then the nearest cluster with enough free memory through the member that serves it), or dPool
 * (fos: single pages pooled per member and rebalanced by a dPool scheme; larger runs from the
 * banks as with locality).
 *
 * <p>Failure: banks live in cluster memory and outlive a failed member's core; when the fleet's
 * view drops a member, the member the new view assigns its banks (the live member nearest to the
 * group) takes them over, safely even if the dropped member is only slow (see
 * {@code internal.pages.BankSlot}).
 *
 * <p>Thread-safe.
 */
public final class PageAllocator implements AutoCloseable {

    /** The name the members are registered under when a name service is given. */
    public static final String NAME = "/sys/pages";

    private final Engine engine;
    private final Topology topology;
    private final Dqdt dqdt;
    private final PagePolicy policy;
    private final int cacheBatch;
    private final Duration requestTimeout;
    private final BankGroups groups;
    private final BankSlot[] slots;
    private final Fleet fleet;
    private final NameService names;
    private final FleetRegistration registration;
    private final AtomicReferenceArray<PageAllocatorClient> clients;
    private final PageFleetState shared;
    private volatile Routes routes;

    /** Clients' routing table: the server of each cluster in one view. */
    record Routes(long epoch, List<Address> byCluster) {
    }

    private PageAllocator(Builder b, PageFleetState shared, BankGroups groups, BankSlot[] slots, Fleet fleet,
                          FleetRegistration registration) {
        this.shared = shared;
        this.engine = b.engine;
        this.topology = b.engine.topology();
        this.dqdt = b.dqdt;
        this.policy = b.policy;
        this.cacheBatch = b.cacheBatch;
        this.requestTimeout = b.requestTimeout;
        this.groups = groups;
        this.slots = slots;
        this.fleet = fleet;
        this.names = b.names;
        this.registration = registration;
        this.clients = new AtomicReferenceArray<>(topology.coreCount());
    }

    /**
     * @param engine the engine the members run on (started or not)
     * @param dqdt   the machine's DQDT, over the engine's topology; its memory indicators are set to
     *               the banks' state at {@link Builder#start()} and kept current from then on
     * @return a builder
     * @throws IllegalArgumentException if the DQDT covers another topology
     */
    public static Builder builder(Engine engine, Dqdt dqdt) {
        return new Builder(engine, dqdt);
    }

    /**
     * The client of a core: the same object for every call with the same core.
     *
     * @param core a core of the topology (normally not a member's core)
     * @return its client
     * @throws IllegalArgumentException if the core is not in the topology
     */
    public PageAllocatorClient client(CoreId core) {
        Objects.requireNonNull(core, "core is null");
        if (core.index() >= topology.coreCount()) {
            throw new IllegalArgumentException(core + " is not a core of " + topology.name() + " ("
                    + topology.coreCount() + " cores)");
        }
        PageAllocatorClient c = clients.get(core.index());
        if (c == null) {
            PageAllocatorClient made = new PageAllocatorClient(this, engine, core, cacheBatch, requestTimeout,
                    names == null ? null : names.client(core, "pages"));
            c = clients.compareAndExchange(core.index(), null, made);
            if (c == null) {
                c = made;
            }
        }
        return c;
    }

    /** @return the client of a core if one was opened, else null */
    PageAllocatorClient existingClient(int core) {
        return core >= 0 && core < clients.length() ? clients.get(core) : null;
    }

    /** @return every client opened so far */
    List<PageAllocatorClient> openClients() {
        List<PageAllocatorClient> all = new ArrayList<>();
        for (int i = 0; i < clients.length(); i++) {
            PageAllocatorClient c = clients.get(i);
            if (c != null) {
                all.add(c);
            }
        }
        return all;
    }

    /**
     * @param cluster a cluster
     * @return the member serving it in the newest view, or null if the fleet has no member
     */
    Address serverOf(ClusterId cluster) {
        MembershipView v = fleet.view();
        Routes r = routes;
        if (r == null || r.epoch() != v.epoch()) {
            r = new Routes(v.epoch(), java.util.Arrays.asList(groups.assign(v)));
            routes = r;
        }
        return r.byCluster().get(cluster.index());
    }

    /** @return the machine */
    Topology topology() {
        return topology;
    }

    /**
     * The frames of every cluster. Exact at a quiescent point (no request in flight, as after every
     * client call returned); while requests run, each cluster's figures are read one after the other.
     *
     * @return the snapshot
     */
    public PageAccounting accounting() {
        int[] cached = new int[topology.clusterCount()];
        for (PageAllocatorClient c : openClients()) {
            c.countCached(cached);
        }
        List<PageAccounting.ClusterPages> list = new ArrayList<>(slots.length);
        for (BankSlot s : slots) {
            s.holderId(); // volatile read: orders the holder's last writes before ours
            PageBank b = s.bank();
            list.add(new PageAccounting.ClusterPages(s.cluster(), b.totalPages(), b.freePages(), b.allocatedPages(),
                    cached[s.cluster().index()], s.poolFrames() - s.lent().size()));
        }
        return new PageAccounting(list);
    }

    /**
     * @return completes once every member has started (with the dPool policy: once its share of the
     *         banks is pooled); requests sent before are held by the members until then, but
     *         {@link #accounting()} is only meaningful after
     */
    public CompletableFuture<Void> ready() {
        return shared.ready().copy();
    }

    /** @return the cores the members occupy, one per group (keep user threads off them) */
    public List<CoreId> memberCores() {
        return groups.homes();
    }

    /** @return the groups of clusters, one per member, in the order of {@link #memberCores()} */
    public List<List<ClusterId>> memberGroups() {
        return groups.groups();
    }

    /**
     * The memory of a run, when the allocator was built with backing memory.
     *
     * @param run a run (normally one the caller holds)
     * @return its bytes, {@code run.pages() * pageSize} of them
     * @throws IllegalStateException    if the banks have no backing memory
     * @throws IllegalArgumentException if the run is outside its bank
     */
    public MemorySegment segment(PageRun run) {
        Objects.requireNonNull(run, "run is null");
        if (run.cluster().index() >= slots.length) {
            throw new IllegalArgumentException(run + " is in no cluster of " + topology.name());
        }
        return slots[run.cluster().index()].bank().segment(run);
    }

    /** @return the fleet of members (views, loads, crash for tests) */
    public Fleet fleet() {
        return fleet;
    }

    /** @return the policy */
    public PagePolicy policy() {
        return policy;
    }

    /** @return the client cache's batch size, 0 when caches are off */
    public int cacheBatch() {
        return cacheBatch;
    }

    /** @return the DQDT the members keep current */
    public Dqdt dqdt() {
        return dqdt;
    }

    /**
     * Frees the banks' backing memory and stops following the fleet in the name service. Call
     * after the engine stopped; segments handed out become unusable.
     */
    @Override
    public void close() {
        if (registration != null) {
            registration.close();
        }
        for (BankSlot s : slots) {
            s.bank().close();
        }
    }

    @Override
    public String toString() {
        return "PageAllocator[" + policy + ", " + groups.size() + " members, cache " + cacheBatch + ", " + fleet.view()
                + "]";
    }

    /** Configures a page allocator. Not thread-safe; each setter validates at once. */
    public static final class Builder {
        private final Engine engine;
        private final Dqdt dqdt;
        private int clustersPerMember = 4;
        private PagePolicy policy = PagePolicy.locality();
        private int cacheBatch = 32;
        private boolean backed;
        private boolean zero;
        private long seed = 42;
        private Duration heartbeat = Duration.ofMillis(50);
        private Duration suspectAfter = Duration.ofMillis(1500);
        private Duration requestTimeout = Duration.ofSeconds(2);
        private NameService names;

        private Builder(Engine engine, Dqdt dqdt) {
            this.engine = Objects.requireNonNull(engine, "engine is null");
            this.dqdt = Objects.requireNonNull(dqdt, "dqdt is null");
            if (!dqdt.topology().equals(engine.topology())) {
                throw new IllegalArgumentException("the DQDT covers " + dqdt.topology().name() + " but the engine runs "
                        + engine.topology().name() + ": both must describe the same machine");
            }
        }

        /**
         * @param k clusters per member, 1 to the cluster count (default 4: 2x2 blocks of a mesh)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder clustersPerMember(int k) {
            int clusters = engine.topology().clusterCount();
            if (k < 1 || k > clusters) {
                throw new IllegalArgumentException("clusters per member " + k + " must be 1 to " + clusters
                        + " (the clusters of " + engine.topology().name() + ")");
            }
            this.clustersPerMember = k;
            return this;
        }

        /**
         * @param policy locality (default) or dPool
         * @return this builder
         */
        public Builder policy(PagePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy is null");
            return this;
        }

        /**
         * @param batch the client cache's batch of order-0 pages: refilled {@code batch} at a time
         *              when empty, flushed {@code batch} at a time beyond {@code 2 * batch}; 0 turns
         *              caches off (default 32)
         * @return this builder
         * @throws IllegalArgumentException if negative or above 4096
         */
        public Builder clientCache(int batch) {
            if (batch < 0 || batch > 4096) {
                throw new IllegalArgumentException("client cache batch " + batch + " must be 0 (off) to 4096");
            }
            this.cacheBatch = batch;
            return this;
        }

        /**
         * @param backed whether the banks hold real off-heap memory ({@link PageAllocator#segment})
         * @return this builder
         */
        public Builder backingMemory(boolean backed) {
            this.backed = backed;
            return this;
        }

        /**
         * @param zero whether allocated pages are zeroed (with backing memory)
         * @return this builder
         */
        public Builder zeroOnAllocation(boolean zero) {
            this.zero = zero;
            return this;
        }

        /**
         * @param seed the members' seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param heartbeat    the members' heartbeat period
         * @param suspectAfter the silence after which a member is suspected and its banks taken over
         * @return this builder
         * @see Fleet.Builder#failureDetection(Duration, Duration)
         */
        public Builder failureDetection(Duration heartbeat, Duration suspectAfter) {
            new dev.manycore.fleets.internal.FleetTiming(heartbeat.toNanos(), suspectAfter.toNanos());
            this.heartbeat = heartbeat;
            this.suspectAfter = suspectAfter;
            return this;
        }

        /**
         * @param timeout how long a client waits for one attempt of a request before it asks again
         *                (the member may have failed), positive (default 2 s)
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request timeout " + timeout + " must be positive");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Registers the members under {@value PageAllocator#NAME} (a service set, nearest member
         * first) and lets clients find their member through the name service.
         *
         * @param names a running name service
         * @return this builder
         */
        public Builder nameService(NameService names) {
            this.names = Objects.requireNonNull(names, "name service is null");
            return this;
        }

        /**
         * Creates the banks, sets the DQDT's memory indicators to them and spawns the members.
         *
         * @return the allocator (its members serve once the engine runs)
         * @throws IllegalArgumentException if the topology's clusters cannot host the members
         */
        public PageAllocator start() {
            Topology t = engine.topology();
            BankGroups groups = BankGroups.of(t, clustersPerMember);
            BankSlot[] slots = new BankSlot[t.clusterCount()];
            for (int g = 0; g < groups.size(); g++) {
                int holder = BankSlot.holderIdOf(groups.homes().get(g).index());
                for (ClusterId c : groups.groups().get(g)) {
                    PageBank bank = new PageBank(c, t.pagesOf(c), t.pageSize(), backed);
                    reconcile(bank);
                    bank.listener(dqdt::freeBlocksChanged);
                    slots[c.index()] = new BankSlot(bank, holder);
                }
            }
            PageFleetState shared = new PageFleetState(t, dqdt, groups, slots, zero, policy);
            Fleet fleet = Fleet.builder(engine, "pages", () -> new PageMember(shared))
                    .cores(groups.homes()).seed(seed).failureDetection(heartbeat, suspectAfter).start();
            FleetRegistration registration = null;
            if (names != null) {
                registration = FleetRegistration.follow(fleet, Name.of(NAME), NameFlags.serviceSet(LookupPolicy.NEAREST),
                        names.client(groups.homes().getFirst(), "sys"));
            }
            return new PageAllocator(this, shared, groups, slots, fleet, registration);
        }

        /** Makes the DQDT's free-block counts of a bank's cluster equal the bank's. */
        private void reconcile(PageBank bank) {
            for (int o = 0; o <= PageRun.MAX_ORDER; o++) {
                long delta = bank.freeBlocks(o) - dqdt.freeBlocks(bank.cluster(), o);
                if (delta != 0) {
                    dqdt.freeBlocksChanged(bank.cluster(), o, (int) delta);
                }
            }
        }
    }
}
