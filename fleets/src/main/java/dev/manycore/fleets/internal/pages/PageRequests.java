package dev.manycore.fleets.internal.pages;

import dev.manycore.fleets.Request;
import dev.manycore.fleets.pages.AllocationPriority;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The protocol of the page allocator fleet (fos report 4.7.2): typed, immutable request and reply
 * records. Allocation requests carry their own routing state, a hop count and the clusters already
 * tried, so a request that members forward to each other (routing by resource affinity) always
 * ends: every forward adds one cluster to {@code visited}, and a member refuses a request whose
 * hops exceed {@link #hopBudget}.
 */
public final class PageRequests {

    private PageRequests() {
    }

    /**
     * @param clusters the machine's cluster count
     * @return the most forwards an allocation may take: every cluster once, plus slack for routing
     *         corrections while a bank changes holder
     */
    public static int hopBudget(int clusters) {
        return clusters + 16;
    }

    /** An allocation request: either one run, or a batch of order-0 pages. */
    public sealed interface Allocation permits Allocate, AllocateBatch {
        /** @return the requester's cluster (locality is measured against it) */
        ClusterId origin();

        /** @return the cluster this hop should try */
        ClusterId target();

        /** @return the block order wanted */
        int order();

        /** @return the owner the pages are charged to */
        long owner();

        /** @return the priority (watermark) */
        AllocationPriority priority();

        /** @return forwards so far */
        int hops();

        /** @return clusters already tried, in order */
        List<ClusterId> visited();

        /**
         * @param next    the next cluster to try
         * @param visited the clusters tried so far
         * @return this request, one hop further
         */
        Allocation toward(ClusterId next, List<ClusterId> visited);

        /** @return the pages asked for */
        int pages();
    }

    /**
     * Allocates one run of {@code 2^order} frames.
     *
     * @param origin   the requester's cluster
     * @param target   the cluster to try at this hop
     * @param order    0 to {@link PageRun#MAX_ORDER}
     * @param owner    the owner
     * @param priority the watermark to respect
     * @param hops     forwards so far
     * @param visited  clusters tried
     */
    public record Allocate(ClusterId origin, ClusterId target, int order, long owner, AllocationPriority priority,
                           int hops, List<ClusterId> visited) implements Allocation, Request<Object> {
        /** Copies the visited list. */
        public Allocate {
            Objects.requireNonNull(origin, "origin is null");
            Objects.requireNonNull(target, "target is null");
            Objects.requireNonNull(priority, "priority is null");
            visited = List.copyOf(visited);
        }

        @Override
        public Allocate toward(ClusterId next, List<ClusterId> tried) {
            return new Allocate(origin, next, order, owner, priority, hops + 1, tried);
        }

        @Override
        public int pages() {
            return 1 << order;
        }
    }

    /**
     * Allocates up to {@code count} order-0 pages, at least one (a client cache refill, or a
     * multi-page allocation): the member answers with what the first cluster that has pages gives.
     *
     * @param origin   the requester's cluster
     * @param target   the cluster to try at this hop
     * @param count    1 or more
     * @param owner    the owner
     * @param priority the watermark to respect
     * @param hops     forwards so far
     * @param visited  clusters tried
     */
    public record AllocateBatch(ClusterId origin, ClusterId target, int count, long owner, AllocationPriority priority,
                                int hops, List<ClusterId> visited) implements Allocation, Request<Object> {
        /** Copies the visited list. */
        public AllocateBatch {
            Objects.requireNonNull(origin, "origin is null");
            Objects.requireNonNull(target, "target is null");
            Objects.requireNonNull(priority, "priority is null");
            visited = List.copyOf(visited);
        }

        @Override
        public int order() {
            return 0;
        }

        @Override
        public AllocateBatch toward(ClusterId next, List<ClusterId> tried) {
            return new AllocateBatch(origin, next, count, owner, priority, hops + 1, tried);
        }

        @Override
        public int pages() {
            return 1;
        }
    }

    /**
     * Pages granted to a batch request.
     *
     * @param runs order-0 runs, at least one
     */
    public record Granted(List<PageRun> runs) {
        /** Copies the list. */
        public Granted {
            runs = List.copyOf(runs);
        }
    }

    /**
     * No cluster could serve an allocation: the reply, not an error, so the client can rebuild an
     * {@link dev.manycore.fleets.pages.OutOfPagesException} with its figures.
     *
     * @param requestedPages the pages asked for
     * @param freePages      the free pages of the machine as the DQDT counted them
     * @param message        what was asked, what is free, what was tried and the rule
     */
    public record Refused(long requestedPages, long freePages, String message) {
    }

    /**
     * Frees one run held by an owner.
     *
     * @param run   the run
     * @param owner the owner that frees it
     * @param hops  forwards so far
     */
    public record Free(PageRun run, long owner, int hops) implements Request<Freed> {
        /** @throws NullPointerException if the run is null */
        public Free {
            Objects.requireNonNull(run, "run is null");
        }
    }

    /**
     * The outcome of a {@link Free}.
     *
     * @param pages        pages freed (0 when the run sits in a client cache)
     * @param cacheCore    -1, or the core whose client cache holds the run (the requester must ask
     *                     that client, which knows the owner it lent the page to)
     */
    public record Freed(int pages, int cacheCore) {
    }

    /**
     * Frees runs held by one owner, all of the clusters one member serves (cache flushes).
     *
     * @param runs  the runs
     * @param owner their owner
     * @param hops  forwards so far
     */
    public record FreeBatch(List<PageRun> runs, long owner, int hops) implements Request<Freed> {
        /** Copies the list. */
        public FreeBatch {
            runs = List.copyOf(runs);
        }
    }

    /**
     * Frees every run an owner holds in some clusters' banks.
     *
     * @param owner    the owner
     * @param clusters the clusters, all served by the member it is sent to
     * @param hops     forwards so far
     */
    public record ReleaseOwner(long owner, List<ClusterId> clusters, int hops) implements Request<Freed> {
        /** Copies the list. */
        public ReleaseOwner {
            clusters = List.copyOf(clusters);
        }
    }

    /**
     * dPool policy: records that pooled pages of clusters the receiver serves were handed to an
     * owner (the member that took them from its partition asks the member that serves their
     * clusters, which keeps the record with the bank, so frees and failures find it).
     *
     * @param runs  pooled order-0 runs
     * @param owner the owner they go to
     * @param hops  forwards so far
     */
    public record Lend(List<PageRun> runs, long owner, int hops) implements Request<Freed> {
        /** Copies the list. */
        public Lend {
            runs = List.copyOf(runs);
        }
    }

    /**
     * @param visited a list
     * @param add     one more
     * @return a new list with it
     */
    public static List<ClusterId> plus(List<ClusterId> visited, ClusterId add) {
        List<ClusterId> next = new ArrayList<>(visited.size() + 1);
        next.addAll(visited);
        next.add(add);
        return next;
    }
}
