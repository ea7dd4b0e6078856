package dev.manycore.benchmarks.pages;

import dev.manycore.fleets.pages.OutOfPagesException;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.Arrays;

/**
 * Baseline: the Linux per-CPU page list design. Each thread keeps a cache of free order-0 pages;
 * when the cache is empty it refills {@code batch} pages, and when it holds {@code 2 * batch} it
 * flushes the {@code batch} coldest, each refill or flush under the one global lock of a
 * {@link GlobalLockPageAllocator}. Larger orders go straight to the global lock. The cache is LIFO,
 * so the page freed last is handed out first (still hot in the cache), as Linux does.
 *
 * <p>Cached pages stay allocated to the handle's owner in their banks; like Linux's per-CPU lists,
 * a page freed into a cache is checked (double free, another owner's page) only when it is flushed,
 * and the error then surfaces from that later call (the good pages of the batch are freed, the
 * bad one is dropped from the cache and left as it was in its bank).
 *
 * <p>Thread-safe: the allocator may be shared; each thread takes its own {@link #handle}, which is
 * its cache and is not thread-safe.
 */
public final class BatchedCachePageAllocator implements BaselinePageAllocator {

    private final GlobalLockPageAllocator global;
    private final int batch;

    /**
     * @param topology the machine: one bank per cluster, all free
     * @param batch    pages per refill or flush, 1 or more; a cache holds at most {@code 2 * batch}
     * @throws IllegalArgumentException if the topology is null or the batch is not positive
     */
    public BatchedCachePageAllocator(Topology topology, int batch) {
        if (batch < 1 || batch > (1 << 20)) {
            throw new IllegalArgumentException("batch " + batch + " is out of range: 1 to " + (1 << 20) + " pages per refill");
        }
        this.global = new GlobalLockPageAllocator(topology);
        this.batch = batch;
    }

    /** @return pages per refill or flush */
    public int batch() {
        return batch;
    }

    /** @return the lock-protected banks behind the caches */
    public GlobalLockPageAllocator global() {
        return global;
    }

    @Override
    public Handle handle(ClusterId home, long owner) {
        global.handle(home, owner); // validates
        return new Cache(home, owner);
    }

    @Override
    public long freePages() {
        return global.freePages();
    }

    @Override
    public long allocatedPages() {
        return global.allocatedPages();
    }

    @Override
    public long totalPages() {
        return global.totalPages();
    }

    /** One thread's cache of order-0 pages: a LIFO stack, refilled and flushed in batches. */
    private final class Cache implements Handle {
        private final ClusterId home;
        private final long owner;
        private final PageRun[] pages = new PageRun[2 * batch];
        private int count;

        Cache(ClusterId home, long owner) {
            this.home = home;
            this.owner = owner;
        }

        @Override
        public PageRun allocate(int order) {
            if (order != 0) {
                return global.allocate(home, order, owner);
            }
            if (count == 0) {
                count = global.allocateBatch(home, owner, pages, 0, batch);
                if (count == 0) {
                    throw new OutOfPagesException(1, global.freePages(), "cannot allocate 1 page (order 0) near " + home
                            + ": the cache is empty and the refill found none; " + global.freePages() + " of "
                            + global.totalPages() + " pages free on the machine, all within the watermarks");
                }
            }
            PageRun run = pages[--count];
            pages[count] = null;
            return run;
        }

        @Override
        public void free(PageRun run) {
            if (run == null) {
                throw new IllegalArgumentException("page run is null");
            }
            if (run.order() != 0) {
                global.free(run, owner);
                return;
            }
            if (count == pages.length) {
                // flush the coldest half (the bottom of the stack) and slide the hot half down
                try {
                    global.freeBatch(pages, 0, batch, owner);
                } finally {
                    // the batch left the cache whether or not a bad page in it was refused
                    System.arraycopy(pages, batch, pages, 0, count - batch);
                    Arrays.fill(pages, count - batch, count, null);
                    count -= batch;
                }
            }
            pages[count++] = run;
        }

        @Override
        public void close() {
            if (count > 0) {
                int n = count;
                count = 0;
                try {
                    global.freeBatch(pages, 0, n, owner);
                } finally {
                    Arrays.fill(pages, 0, n, null);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "BatchedCachePageAllocator[batch " + batch + ", " + global + "]";
    }
}
