package dev.manycore.benchmarks.pages;

import dev.manycore.fleets.pages.AllocationPriority;
import dev.manycore.fleets.pages.OutOfPagesException;
import dev.manycore.fleets.pages.PageBank;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.Comparator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * Baseline: every bank of the machine behind one {@link ReentrantLock}, the design the fos paper
 * (2.2) measured folding back as cores are added. Each bank is a {@link PageBank} (buddy allocator,
 * owners, ALMOS watermarks), so the baseline does the same bookkeeping per page as the fleet; only
 * the synchronisation differs. An allocation tries the requester's cluster first, then the others
 * from nearest to farthest ({@link Topology#distance}), as ALMOS ppm falls back to the nearest bank
 * with memory.
 *
 * <p>Thread-safe: every operation holds the one lock.
 */
public final class GlobalLockPageAllocator implements BaselinePageAllocator {

    private final Topology topology;
    private final PageBank[] banks;
    private final int[][] nearest;
    private final ReentrantLock lock = new ReentrantLock();
    private final long totalPages;

    /**
     * One unbacked bank per cluster, {@link Topology#pagesOf} frames each, all free.
     *
     * @param topology the machine
     * @throws IllegalArgumentException if the topology is null
     */
    public GlobalLockPageAllocator(Topology topology) {
        if (topology == null) {
            throw new IllegalArgumentException("topology is null");
        }
        this.topology = topology;
        int n = topology.clusterCount();
        this.banks = new PageBank[n];
        this.nearest = new int[n][];
        long total = 0;
        for (int c = 0; c < n; c++) {
            ClusterId cluster = topology.cluster(c);
            banks[c] = new PageBank(cluster, topology.pagesOf(cluster), topology.pageSize(), false);
            total += banks[c].totalPages();
            nearest[c] = IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingInt(o -> topology.distance(cluster, topology.cluster(o)))
                            .thenComparingInt(o -> o))
                    .mapToInt(Integer::intValue).toArray();
        }
        this.totalPages = total;
    }

    /** @return the machine */
    public Topology topology() {
        return topology;
    }

    /**
     * Allocates a run in the nearest bank that can serve it (ordinary watermark). Holds the lock.
     *
     * @param near  the requester's cluster
     * @param order the order, 0 to {@value PageRun#MAX_ORDER}
     * @param owner the owner, zero or more
     * @return the run
     * @throws IllegalArgumentException if the cluster is not in the topology, the order is out of
     *                                  range or the owner is negative
     * @throws OutOfPagesException      if no bank can serve it; names the request and what is free
     */
    public PageRun allocate(ClusterId near, int order, long owner) {
        int[] byDistance = nearest[checkCluster(near)];
        PageRun.checkOrder(order);
        lock.lock();
        try {
            for (int c : byDistance) {
                PageRun run = banks[c].allocate(order, owner, AllocationPriority.ORDINARY, false);
                if (run != null) {
                    return run;
                }
            }
            throw outOfPages(near, order);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Allocates up to {@code count} order-0 pages under one lock acquisition, nearest banks first:
     * the refill of a per-thread cache.
     *
     * @param near   the requester's cluster
     * @param owner  the owner, zero or more
     * @param into   where to store the pages
     * @param offset the first index of {@code into} to fill
     * @param count  how many pages to take, zero or more
     * @return how many pages were stored, fewer than {@code count} only when memory runs out
     * @throws IllegalArgumentException if the cluster is not in the topology, the owner is negative or
     *                                  the range is outside the array
     */
    public int allocateBatch(ClusterId near, long owner, PageRun[] into, int offset, int count) {
        int[] byDistance = nearest[checkCluster(near)];
        checkRange(into, offset, count);
        lock.lock();
        try {
            int got = 0;
            for (int i = 0; i < byDistance.length && got < count; i++) {
                PageBank bank = banks[byDistance[i]];
                PageRun run;
                while (got < count && (run = bank.allocate(0, owner, AllocationPriority.ORDINARY, false)) != null) {
                    into[offset + got++] = run;
                }
            }
            return got;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees a run its owner holds. Holds the lock.
     *
     * @param run   the run
     * @param owner the owner that holds it
     * @throws IllegalArgumentException                          if the run is null or not of this machine
     * @throws dev.manycore.fleets.pages.PageAllocatorException  if the run is not allocated to that owner
     *                                                           (nothing changes then)
     */
    public void free(PageRun run, long owner) {
        PageBank bank = bankOf(run);
        lock.lock();
        try {
            bank.free(run, owner);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees {@code count} runs under one lock acquisition: the flush of a per-thread cache. Every run
     * that can be freed is; a refused run is left as it was, and after the loop the first refusal is
     * thrown (later ones suppressed in it).
     *
     * @param runs   the runs
     * @param offset the first index to free
     * @param count  how many, zero or more
     * @param owner  the owner that holds them
     * @throws IllegalArgumentException                          if the range is outside the array
     * @throws RuntimeException                                  the first refusal: an
     *                                                           IllegalArgumentException for a run not of this machine, or a
     *                                                           {@link dev.manycore.fleets.pages.PageAllocatorException}
     *                                                           for a run not allocated to that owner
     */
    public void freeBatch(PageRun[] runs, int offset, int count, long owner) {
        checkRange(runs, offset, count);
        RuntimeException refused = null;
        lock.lock();
        try {
            for (int i = offset; i < offset + count; i++) {
                try {
                    bankOf(runs[i]).free(runs[i], owner);
                } catch (RuntimeException e) {
                    if (refused == null) {
                        refused = e;
                    } else {
                        refused.addSuppressed(e);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            throw refused;
        }
    }

    @Override
    public Handle handle(ClusterId home, long owner) {
        checkCluster(home);
        if (owner < 0) {
            throw new IllegalArgumentException("owner " + owner + " is negative: owners are process ids, 0 for the kernel");
        }
        return new Handle() {
            @Override
            public PageRun allocate(int order) {
                return GlobalLockPageAllocator.this.allocate(home, order, owner);
            }

            @Override
            public void free(PageRun run) {
                GlobalLockPageAllocator.this.free(run, owner);
            }

            @Override
            public void close() {
                // nothing kept per thread
            }
        };
    }

    /**
     * @param cluster a cluster of the machine
     * @return its bank's free pages (holds the lock)
     */
    public int freePages(ClusterId cluster) {
        int c = checkCluster(cluster);
        lock.lock();
        try {
            return banks[c].freePages();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long freePages() {
        lock.lock();
        try {
            long free = 0;
            for (PageBank bank : banks) {
                free += bank.freePages();
            }
            return free;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long allocatedPages() {
        lock.lock();
        try {
            long allocated = 0;
            for (PageBank bank : banks) {
                allocated += bank.allocatedPages();
            }
            return allocated;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long totalPages() {
        return totalPages;
    }

    private OutOfPagesException outOfPages(ClusterId near, int order) {
        long free = 0;
        int largest = -1;
        for (PageBank bank : banks) {
            free += bank.freePages();
            largest = Math.max(largest, bank.largestFreeOrder());
        }
        return new OutOfPagesException(1L << order, free, "cannot allocate " + (1 << order) + " pages (order " + order
                + ") near " + near + ": " + free + " of " + totalPages + " pages free on the machine, largest free block of order "
                + largest + ", and no bank can serve it above its " + AllocationPriority.ORDINARY.reservePercent()
                + " % watermark");
    }

    private PageBank bankOf(PageRun run) {
        if (run == null) {
            throw new IllegalArgumentException("page run is null");
        }
        return banks[checkCluster(run.cluster())];
    }

    private int checkCluster(ClusterId cluster) {
        if (cluster == null || cluster.index() >= banks.length) {
            throw new IllegalArgumentException("cluster " + cluster + " is not in " + topology.name() + " (clusters 0.."
                    + (banks.length - 1) + ")");
        }
        return cluster.index();
    }

    private static void checkRange(PageRun[] array, int offset, int count) {
        if (array == null || offset < 0 || count < 0 || (long) offset + count > array.length) {
            throw new IllegalArgumentException("range " + offset + " + " + count + " is outside an array of "
                    + (array == null ? "null" : String.valueOf(array.length)));
        }
    }

    @Override
    public String toString() {
        return "GlobalLockPageAllocator[" + topology.name() + ", " + banks.length + " banks, " + totalPages + " pages]";
    }
}
