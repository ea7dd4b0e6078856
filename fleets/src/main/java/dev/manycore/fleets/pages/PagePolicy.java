package dev.manycore.fleets.pages;

import dev.manycore.fleets.pool.DPoolConfig;
import dev.manycore.fleets.pool.DPoolScheme;

import java.util.Objects;

/**
 * How the page allocator fleet chooses frames (ARCHITECTURE.md, "Page allocator"): locality first
 * as ALMOS does, or the fos dPool of pages. Both run on the same machine, so the trade-off between
 * throughput and locality can be measured.
 *
 * <ul>
 *   <li>{@link #locality()} (default, ALMOS ppm): the requester's cluster first; when that bank is
 *       below its watermark, the nearest cluster with enough free memory found through the DQDT,
 *       through the member that serves it (fos: routing by resource affinity).</li>
 *   <li>{@link #dpool(DPoolConfig, double)} (fos report 4.7.2 and 4.8.1): at start each member
 *       moves a share of its banks' frames, as single pages, into its partition of a
 *       {@code DPool}; ordinary order-0 requests take any page from the member's partition, which
 *       the chosen scheme refills from the other members' partitions; freed pooled pages go back
 *       into the partition of the member serving their cluster. A partition holds the pages of all
 *       the member's clusters and receives pages from other members, so locality is whatever the
 *       pool gives. <b>Orders above 0 and priority requests</b> are served by the banks' buddy
 *       allocators with the locality policy (a pool of equivalent single pages cannot give
 *       contiguous runs), and so are order-0 requests when every partition is empty.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class PagePolicy {

    private static final PagePolicy LOCALITY = new PagePolicy(null, 0, false);

    private final DPoolConfig pool;
    private final double poolShare;
    private final boolean sizedToBanks;

    private PagePolicy(DPoolConfig pool, double poolShare, boolean sizedToBanks) {
        this.pool = pool;
        this.poolShare = poolShare;
        this.sizedToBanks = sizedToBanks;
    }

    /**
     * The ALMOS policy, the default.
     *
     * @return the locality policy
     */
    public static PagePolicy locality() {
        return LOCALITY;
    }

    /**
     * The dPool policy with half of every bank pooled and water marks sized to the partitions: with
     * {@code P} pages in a member's first partition, low-water mark {@code P / 4}, high-water mark
     * {@code 5 P / 4} (a partition pushes only what it gained beyond a quarter more than its share),
     * blocks of {@code P / 32} (16 to 1024), period 10 ms. The generic dPool defaults (marks 8 and
     * 64) would make a partition of thousands of pages push nearly all of it every period.
     *
     * @param scheme the rebalancing scheme
     * @return the policy
     */
    public static PagePolicy dpool(DPoolScheme scheme) {
        return new PagePolicy(DPoolConfig.of(Objects.requireNonNull(scheme, "dPool scheme is null")), 0.5, true);
    }

    /**
     * The dPool policy.
     *
     * @param config the pool's scheme, water marks, block size and period
     * @param share  the share of every bank's frames moved into the pool at start, above 0 and at
     *               most 0.85 (what an ordinary allocation may take from a bank)
     * @return the policy
     * @throws IllegalArgumentException if the share is out of range
     */
    public static PagePolicy dpool(DPoolConfig config, double share) {
        Objects.requireNonNull(config, "dPool config is null");
        double max = 1 - AllocationPriority.ORDINARY.reservePercent() / 100.0;
        if (!(share > 0 && share <= max)) {
            throw new IllegalArgumentException("pool share " + share + " must be above 0 and at most " + max
                    + " (the frames an ordinary allocation may take from a bank)");
        }
        return new PagePolicy(config, share, false);
    }

    /** @return true for the locality policy */
    public boolean isLocality() {
        return pool == null;
    }

    /** @return the dPool's settings, or null for the locality policy */
    public DPoolConfig poolConfig() {
        return pool;
    }

    /**
     * The pool's settings for partitions of a given size: {@link #poolConfig()} as given, or sized
     * to the partition when the policy was made by {@link #dpool(DPoolScheme)}.
     *
     * @param partition the pages of a member's first partition
     * @return the settings, or null for the locality policy
     */
    public DPoolConfig poolConfigFor(int partition) {
        if (pool == null || !sizedToBanks) {
            return pool;
        }
        int low = Math.max(1, partition / 4);
        return DPoolConfig.builder().scheme(pool.scheme()).lowWater(low).highWater(Math.max(low, partition + partition / 4))
                .blockSize(Math.clamp(partition / 32, 16, 1024)).period(pool.period())
                .transferTimeout(pool.transferTimeout()).build();
    }

    /** @return the share of every bank pooled at start (0 for the locality policy) */
    public double poolShare() {
        return poolShare;
    }

    @Override
    public String toString() {
        return pool == null ? "locality" : "dpool(" + pool.scheme() + ", share " + poolShare + ")";
    }
}
