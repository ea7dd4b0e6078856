package dev.manycore.benchmarks.pages;

import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;

/**
 * A lock-based page allocator over every bank of a topology, the yardstick the page allocator fleet
 * is measured against (fos paper 2.2: the Linux page allocator case study). Implementations are
 * thread-safe; each thread works through its own {@link Handle}.
 */
public interface BaselinePageAllocator {

    /**
     * A thread's way into the allocator: a home cluster, an owner, and whatever per-thread state the
     * design keeps. <b>Not thread-safe</b>: one thread uses a handle.
     */
    interface Handle extends AutoCloseable {

        /**
         * Allocates a run near the handle's home cluster (its own bank first, then the nearest banks).
         *
         * @param order the order, 0 to {@value PageRun#MAX_ORDER}
         * @return the run, owned by the handle's owner
         * @throws IllegalArgumentException                             if the order is out of range
         * @throws dev.manycore.fleets.pages.OutOfPagesException        if no bank can serve it
         */
        PageRun allocate(int order);

        /**
         * Gives a run back.
         *
         * @param run a run this handle's owner holds
         * @throws dev.manycore.fleets.pages.PageAllocatorException if the run is not allocated to
         *                                                          the owner (when checked: see the implementation)
         */
        void free(PageRun run);

        /** Gives back whatever the handle keeps for itself (cached pages); the handle stays usable. */
        @Override
        void close();
    }

    /**
     * @param home  the cluster the thread runs in
     * @param owner the owner of the pages it allocates, zero or more
     * @return a new handle for one thread
     * @throws IllegalArgumentException if the cluster is not in the topology or the owner is negative
     */
    Handle handle(ClusterId home, long owner);

    /** @return the free pages of every bank (pages in per-thread caches count as allocated) */
    long freePages();

    /** @return the allocated pages of every bank: {@code totalPages() - freePages()} */
    long allocatedPages();

    /** @return the pages of every bank */
    long totalPages();
}
