package dev.manycore.fleets.internal.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

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

    /**
     * @param topology the machine
     * @param dqdt     the DQDT whose memory indicators the members keep current
     * @param groups   which clusters each member serves
     * @param slots    the banks, by cluster index (not copied: the caller hands them over)
     * @param zero     whether allocations zero their pages
     */
    public PageFleetState(Topology topology, Dqdt dqdt, BankGroups groups, BankSlot[] slots, boolean zero) {
        this.topology = topology;
        this.dqdt = dqdt;
        this.groups = groups;
        this.slots = slots;
        this.zero = zero;
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

    /** @return whether allocations zero their pages */
    public boolean zero() {
        return zero;
    }
}
