package dev.manycore.fleets.pages;

import dev.manycore.numa.ClusterId;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The page frames of every cluster at one point, as the page allocator counts them (ALMOS ppm:
 * free and allocated frames per bank). Taken at a quiescent point (no allocation or free in
 * flight), every cluster satisfies {@code free + allocated == total}: {@link #isConserved()}.
 * Frames that sit in client caches or dPool partitions are allocated from their bank's point of
 * view and free from the owners' point of view; they are counted in {@code allocated} and reported
 * apart, so {@link ClusterPages#held()} is what owners hold.
 *
 * <p>Also the helpers that measure locality: the share of pages that lie in the requester's own
 * cluster. Immutable and thread-safe.
 *
 * @param clusters one entry per cluster, by cluster index
 */
public record PageAccounting(List<ClusterPages> clusters) {

    /** Copies the list. */
    public PageAccounting {
        clusters = List.copyOf(clusters);
    }

    /**
     * The frames of one cluster's bank.
     *
     * @param cluster   the cluster
     * @param total     its frames
     * @param free      frames in its bank's free lists
     * @param allocated frames out of the free lists (owners' runs, client caches, dPool partitions)
     * @param cached    frames of this bank that sit free in client caches
     * @param pooled    frames of this bank that sit free in dPool partitions
     */
    public record ClusterPages(ClusterId cluster, int total, int free, int allocated, int cached, int pooled) {

        /** @return frames held by owners: {@code allocated - cached - pooled} */
        public int held() {
            return allocated - cached - pooled;
        }

        /** @return frames an allocation could still get: {@code free + cached + pooled} */
        public int available() {
            return free + cached + pooled;
        }
    }

    /**
     * @param cluster a cluster
     * @return its entry
     * @throws IllegalArgumentException if the cluster is not in this snapshot
     */
    public ClusterPages of(ClusterId cluster) {
        Objects.requireNonNull(cluster, "cluster is null");
        if (cluster.index() >= clusters.size()) {
            throw new IllegalArgumentException(cluster + " is not in this accounting of " + clusters.size() + " clusters");
        }
        return clusters.get(cluster.index());
    }

    /** @return true if {@code free + allocated == total} for every cluster */
    public boolean isConserved() {
        for (ClusterPages c : clusters) {
            if (c.free() + c.allocated() != c.total()) {
                return false;
            }
        }
        return true;
    }

    /** @return the frames of the machine */
    public long totalPages() {
        long sum = 0;
        for (ClusterPages c : clusters) {
            sum += c.total();
        }
        return sum;
    }

    /** @return the frames in the banks' free lists */
    public long freePages() {
        long sum = 0;
        for (ClusterPages c : clusters) {
            sum += c.free();
        }
        return sum;
    }

    /** @return the frames held by owners, machine-wide */
    public long heldPages() {
        long sum = 0;
        for (ClusterPages c : clusters) {
            sum += c.held();
        }
        return sum;
    }

    /** @return frames sitting in client caches, machine-wide */
    public long cachedPages() {
        long sum = 0;
        for (ClusterPages c : clusters) {
            sum += c.cached();
        }
        return sum;
    }

    /** @return frames sitting in dPool partitions, machine-wide */
    public long pooledPages() {
        long sum = 0;
        for (ClusterPages c : clusters) {
            sum += c.pooled();
        }
        return sum;
    }

    /**
     * The share of pages (weighted by run size) that lie in a given cluster: the locality of the
     * pages a requester in that cluster got.
     *
     * @param runs the runs a requester got
     * @param home the requester's cluster
     * @return from 0 to 1; 1 for no runs
     */
    public static double localShare(Collection<PageRun> runs, ClusterId home) {
        Objects.requireNonNull(home, "home cluster is null");
        long local = 0;
        long all = 0;
        for (PageRun r : runs) {
            all += r.pages();
            if (r.cluster().equals(home)) {
                local += r.pages();
            }
        }
        return all == 0 ? 1.0 : (double) local / all;
    }

    /**
     * Counts pages by locality as they are handed out, for benchmarks and reports. Not thread-safe:
     * one per thread, then {@link #add} them.
     */
    public static final class LocalityCount {
        private long local;
        private long all;

        /** Creates an empty count. */
        public LocalityCount() {
        }

        /**
         * @param run  a run handed to a requester
         * @param home the requester's cluster
         */
        public void record(PageRun run, ClusterId home) {
            all += run.pages();
            if (run.cluster().equals(home)) {
                local += run.pages();
            }
        }

        /**
         * @param other another count, added to this one
         */
        public void add(LocalityCount other) {
            local += other.local;
            all += other.all;
        }

        /** @return pages in the requester's cluster */
        public long localPages() {
            return local;
        }

        /** @return pages counted */
        public long pages() {
            return all;
        }

        /** @return the local share, from 0 to 1; 1 when nothing was counted */
        public double share() {
            return all == 0 ? 1.0 : (double) local / all;
        }
    }
}
