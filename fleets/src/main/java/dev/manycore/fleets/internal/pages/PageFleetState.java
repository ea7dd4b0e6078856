package dev.manycore.fleets.internal.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.pages.PagePolicy;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolDirectory;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every member of one page allocator fleet shares: the machine, its DQDT, the grouping of
 * clusters into members, and the banks in cluster memory ({@link BankSlot}). Built once by
 * {@code PageAllocator.start()}; the fields never change (the banks inside the slots are used only
 * by their holders). Thread-safe.
 */
public final class PageFleetState {

    private final Topology topology;
    private final Dqdt dqdt;
    private final BankGroups groups;
    private final BankSlot[] slots;
    private final boolean zero;
    private final PagePolicy policy;
    private final DPoolDirectory<PageRun> pool;
    private final DPoolConfig poolConfig;
    private final AtomicInteger started = new AtomicInteger();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final RequestLog[] logs;

    /**
     * @param topology the machine
     * @param dqdt     the DQDT whose memory indicators the members keep current
     * @param groups   which clusters each member serves
     * @param slots    the banks, by cluster index (not copied: the caller hands them over)
     * @param zero     whether allocations zero their pages
     * @param policy   locality or dPool
     */
    public PageFleetState(Topology topology, Dqdt dqdt, BankGroups groups, BankSlot[] slots, boolean zero,
                          PagePolicy policy) {
        this.topology = topology;
        this.dqdt = dqdt;
        this.groups = groups;
        this.slots = slots;
        this.zero = zero;
        this.policy = policy;
        this.pool = policy.isLocality() ? null : DPoolDirectory.create("pages");
        this.logs = new RequestLog[topology.coreCount() + 1];
        for (int i = 0; i < logs.length; i++) {
            logs[i] = new RequestLog();
        }
        int largest = 0;
        for (java.util.List<ClusterId> g : groups.groups()) {
            long pages = 0;
            for (ClusterId c : g) {
                pages += topology.pagesOf(c);
            }
            largest = (int) Math.max(largest, Math.min(Integer.MAX_VALUE, (long) (pages * policy.poolShare())));
        }
        this.poolConfig = policy.poolConfigFor(largest);
    }

    /** @return the dPool's settings for this fleet, or null for the locality policy */
    public DPoolConfig poolConfig() {
        return poolConfig;
    }

    /**
     * A first member finished its start (its pool's share carved): the last one completes
     * {@link #ready()}. Lock-free.
     */
    public void memberStarted() {
        if (started.incrementAndGet() == groups.size()) {
            ready.complete(null);
        }
    }

    /** @return completes once every first member has started */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** @return the policy */
    public PagePolicy policy() {
        return policy;
    }

    /** @return the directory of the page pool's partitions, or null for the locality policy */
    public DPoolDirectory<PageRun> pool() {
        return pool;
    }

    /** @return the machine */
    public Topology topology() {
        return topology;
    }

    /** @return the DQDT */
    public Dqdt dqdt() {
        return dqdt;
    }

    /** @return the grouping of clusters into members */
    public BankGroups groups() {
        return groups;
    }

    /**
     * @param cluster a cluster
     * @return its slot
     */
    public BankSlot slot(ClusterId cluster) {
        return slots[cluster.index()];
    }

    /**
     * The outcomes of a client's recent requests (one log per client, in cluster memory like the
     * banks: it survives the failure of any member).
     *
     * @param client a client id from a {@link PageRequests.RequestKey}, 1 to the machine's cores
     * @return its log
     * @throws IllegalArgumentException if no client has that id
     */
    public RequestLog log(long client) {
        if (client < 1 || client >= logs.length) {
            throw new IllegalArgumentException("client id " + client + " must be 1 to " + (logs.length - 1)
                    + " (one client per core of " + topology.name() + ")");
        }
        return logs[(int) client];
    }

    /**
     * @param core a client's core index
     * @return the client id its requests carry
     */
    public static long clientIdOf(int core) {
        return core + 1L;
    }

    /** @return whether allocations zero their pages */
    public boolean zero() {
        return zero;
    }
}
