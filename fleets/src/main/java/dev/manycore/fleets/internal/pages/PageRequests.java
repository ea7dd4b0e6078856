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

    /**
     * Names one client request across its retries, so a member executes it at most once
     * ({@link RequestLog}).
     *
     * @param client the client's id, 1 or more; 0 for a request with no key (never deduplicated:
     *               members' own requests, tools that send one request once)
     * @param seq    the request's sequence number, the same in every retry
     * @param ack    the lowest sequence the client still waits for (its members may forget older
     *               outcomes, and do not execute late attempts of them)
     */
    public record RequestKey(long client, long seq, long ack) {
        /** No key: the request is executed each time it arrives. */
        public static final RequestKey NONE = new RequestKey(0, 0, 0);

        /** @throws IllegalArgumentException if a field is negative, or ack is above seq */
        public RequestKey {
            if (client < 0 || seq < 0 || ack < 0 || ack > seq) {
                throw new IllegalArgumentException("request key (client " + client + ", seq " + seq + ", ack " + ack
                        + ") must have client, seq and ack >= 0 and ack <= seq");
            }
        }

        /** @return whether this is a real key (retries are deduplicated) */
        public boolean isKeyed() {
            return client > 0;
        }
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

        /** @return the request's key, kept through forwards */
        RequestKey key();
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
     * @param key      the client's key for the request
     */
    public record Allocate(ClusterId origin, ClusterId target, int order, long owner, AllocationPriority priority,
                           int hops, List<ClusterId> visited, RequestKey key) implements Allocation, Request<Object> {
        /** Copies the visited list. */
        public Allocate {
            Objects.requireNonNull(origin, "origin is null");
            Objects.requireNonNull(target, "target is null");
            Objects.requireNonNull(priority, "priority is null");
            Objects.requireNonNull(key, "key is null");
            visited = List.copyOf(visited);
        }

        /** An allocation with no key (executed each time it arrives). */
        public Allocate(ClusterId origin, ClusterId target, int order, long owner, AllocationPriority priority,
                        int hops, List<ClusterId> visited) {
            this(origin, target, order, owner, priority, hops, visited, RequestKey.NONE);
        }

        @Override
        public Allocate toward(ClusterId next, List<ClusterId> tried) {
            return new Allocate(origin, next, order, owner, priority, hops + 1, tried, key);
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
     * @param key      the client's key for the request
     */
    public record AllocateBatch(ClusterId origin, ClusterId target, int count, long owner, AllocationPriority priority,
                                int hops, List<ClusterId> visited, RequestKey key) implements Allocation, Request<Object> {
        /** Copies the visited list. */
        public AllocateBatch {
            Objects.requireNonNull(origin, "origin is null");
            Objects.requireNonNull(target, "target is null");
            Objects.requireNonNull(priority, "priority is null");
            Objects.requireNonNull(key, "key is null");
            visited = List.copyOf(visited);
        }

        /** A batch allocation with no key (executed each time it arrives). */
        public AllocateBatch(ClusterId origin, ClusterId target, int count, long owner, AllocationPriority priority,
                             int hops, List<ClusterId> visited) {
            this(origin, target, count, owner, priority, hops, visited, RequestKey.NONE);
        }

        @Override
        public int order() {
            return 0;
        }

        @Override
        public AllocateBatch toward(ClusterId next, List<ClusterId> tried) {
            return new AllocateBatch(origin, next, count, owner, priority, hops + 1, tried, key);
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
     * @param key   the client's key for the request
     */
    public record Free(PageRun run, long owner, int hops, RequestKey key) implements Request<Freed> {
        /** @throws NullPointerException if the run or key is null */
        public Free {
            Objects.requireNonNull(run, "run is null");
            Objects.requireNonNull(key, "key is null");
        }

        /** A free with no key (executed each time it arrives: not safe to send again). */
        public Free(PageRun run, long owner, int hops) {
            this(run, owner, hops, RequestKey.NONE);
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
     * @param key   the client's key for the request (each run is freed once per key)
     */
    public record FreeBatch(List<PageRun> runs, long owner, int hops, RequestKey key) implements Request<Freed> {
        /** Copies the list. */
        public FreeBatch {
            runs = List.copyOf(runs);
            Objects.requireNonNull(key, "key is null");
        }

        /** A batch free with no key. */
        public FreeBatch(List<PageRun> runs, long owner, int hops) {
            this(runs, owner, hops, RequestKey.NONE);
        }
    }

    /**
     * Frees every run an owner holds in some clusters' banks.
     *
     * @param owner    the owner
     * @param clusters the clusters, all served by the member it is sent to
     * @param hops     forwards so far
     * @param key      the client's key for the request (each cluster is released once per key)
     */
    public record ReleaseOwner(long owner, List<ClusterId> clusters, int hops, RequestKey key) implements Request<Freed> {
        /** Copies the list. */
        public ReleaseOwner {
            clusters = List.copyOf(clusters);
            Objects.requireNonNull(key, "key is null");
        }

        /** A release with no key. */
        public ReleaseOwner(long owner, List<ClusterId> clusters, int hops) {
            this(owner, clusters, hops, RequestKey.NONE);
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
