package dev.manycore.dqdt;

import dev.manycore.dqdt.internal.IndicatorCells;
import dev.manycore.dqdt.internal.Placement;
import dev.manycore.dqdt.internal.RingSearch;
import dev.manycore.dqdt.internal.TreeArrays;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Distributed Quaternary Decision Tree: load indicators over the clusters of a topology, fed by
 * wait-free events, and the placement decisions of the kernel (ALMOS {@code kernel/kern/dqdt.c};
 * see {@code reference/almos-dqdt-notes.md} for what this keeps and what it improves).
 *
 * <h2>Who calls what</h2>
 * <ul>
 *   <li>The <b>process manager</b> (or whoever starts threads) calls {@link #placeThread} /
 *       {@link #placeProcess}, which choose a core <em>and charge the new thread to it</em>, or
 *       {@link #threadStarted} when it chose the core itself; then {@link #threadExited} when the
 *       thread ends and {@link #threadMigrated} when it moves (after {@link #migrationTarget}).</li>
 *   <li>The <b>page allocator</b> of each cluster reports every change of its buddy free lists with
 *       {@link #freeBlocksChanged} (a split is -1 at the larger order and +2 at the one below; an
 *       allocation -1; a merge the reverse), or the shorthands {@link #pagesAllocated} and
 *       {@link #pagesFreed}; and asks {@link #findMemory} where to go when its own bank runs dry.</li>
 *   <li><b>Busy cores are derived, not reported</b>: a core is busy while it holds at least one
 *       thread. The core's exact count changes by one getAndAdd per event, which tells exactly when
 *       it goes from 0 to 1 or back (and, beyond busy, when it reaches 2, 3, ...
 *       {@value Indicators#SATURATION_LEVELS} threads), so nobody has to keep a second count in step.</li>
 * </ul>
 *
 * <h2>Updates: exact leaves, quantised propagation</h2>
 * ALMOS adds +1/-1 on every node up to the root for every thread event, so every event writes the
 * root's cache line. Here the per-core and per-cluster counts are exact, and a node passes a change
 * to its parent only when its running total crosses a multiple of the parent's quantum {@code q}, a
 * power of two: by default the largest power of two at most {@code cores / 64} of the parent's
 * subtree for thread, saturation and block counts (so levels 1 and 2 of a 4-core-per-cluster mesh
 * are exact), and {@code pages / 512} for free pages. An update is wait-free: a thread event is at
 * most {@code 1 + 2 x (levels - 1)} getAndAdds (the core, then the thread count and the one
 * saturation level that changed, each up to where it stops crossing quanta); when the core goes
 * from idle to busy or back, at most {@code 1 + (levels - 1)}, because a subtree's thread count and
 * busy cores share one packed cell in the parent (one getAndAdd moves both, so they are never seen
 * apart); a memory event at most {@code 2 + 2 x (levels - 1)}; no loop that retries, no lock.
 * A subtree holds fewer than {@code 2^31} threads (the packed cell's half).
 *
 * <p><b>Staleness bound.</b> At quiescence, the value a parent records for a node {@code x} differs
 * from the exact sum of {@code x}'s leaves by at most
 * <pre>  slack(x) = sum over children c of slack(c) + childCount(x) * e(q(x)),   slack(leaf) = 0</pre>
 * where {@code e(q) = q / 2} for thread counts (rounded to nearest) and {@code q - 1} for the
 * one-sided indicators: saturation counts are rounded down and free pages and blocks up, so a
 * filter on them never hides a subtree that fits (see {@link Indicators}, whose {@code *Slack}
 * methods return the bound per node). For a full mesh of 4-core clusters with the default divisor:
 * <pre>
 * level  cores   q    threads (either way)   busy / saturation (below)   free blocks (above)
 * 0..2   4..64   1      0                      0                           0
 * 3      256     4      8                     12                          12
 * 4      1024    16    64                    108                         108
 * 5      4096    64   384                    684                         684
 * 6      16384   -   1536 (9.4 %)           2736                        2736    (the 64 x 64 root)
 * </pre>
 * The 16 x 16 TSAR root (level 4) has slack 32 threads (3 % of its 1024 cores). While updates run,
 * each in-flight update adds at most its own delta. {@link #flush()} makes every node equal the sum
 * of its leaves again. {@link Builder#exactPropagation()} sets every quantum to 1 (the ALMOS
 * behaviour, and no staleness at quiescence).
 *
 * <h2>Decisions</h2>
 * Each is the expanding-ring search of {@link #search} with a small {@link SearchPolicy}; the
 * defaults are ALMOS's, with the improvements documented on each method. Every decision takes a
 * locality radius: the highest tree level searched, from 0 (the origin's cluster only) to
 * {@link #maxRadius()} (the whole machine). Decisions run concurrently with updates, read slightly
 * stale values, never throw because of a race, and return an empty result when nothing fits.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread at any time, except {@link #flush()}, which needs
 * quiescence (no update running at the same time). Bad arguments (ids outside this topology, a
 * negative order, an order above {@value Indicators#MAX_ORDER}, a radius out of range) throw
 * {@link IllegalArgumentException} naming the value and the rule, before anything changes.
 */
public final class Dqdt {

    private static final Logger LOG = LoggerFactory.getLogger(Dqdt.class);

    private final Topology topology;
    private final DqdtShape shape;
    private final TreeArrays tree;
    private final IndicatorCells cells;
    private final Placement placement;
    private final long[] watermark;

    private Dqdt(Builder b) {
        long start = System.nanoTime();
        this.topology = b.topology;
        this.shape = DqdtShape.of(topology);
        this.tree = shape.tree();
        this.cells = new IndicatorCells(tree, shape, b.coreDivisor, b.pageDivisor);
        this.placement = new Placement(tree, cells, b.seed);
        this.watermark = new long[topology.clusterCount()];
        long[] blocks = new long[Indicators.MAX_ORDER + 1];
        for (int c = 0; c < watermark.length; c++) {
            long pages = topology.pagesOf(topology.cluster(c));
            watermark[c] = (long) Math.floor(pages * b.watermark);
            if (b.memoryFree) {
                blocks[Indicators.MAX_ORDER] = pages >> Indicators.MAX_ORDER;
                for (int o = 0; o < Indicators.MAX_ORDER; o++) {
                    blocks[o] = (pages >> o) & 1;
                }
                cells.initialiseBank(c, blocks);
            }
        }
        cells.flush();
        if (LOG.isDebugEnabled()) {
            LOG.debug("DQDT over {}: {} levels, {} nodes, built in {} us", topology.name(), tree.levelCount(),
                    tree.nodeCount(), (System.nanoTime() - start) / 1000);
        }
    }

    /**
     * A DQDT with the defaults of {@link Builder}: memory all free, batched propagation, watermark
     * 15 %, seed 0.
     *
     * @param topology any topology
     * @return the tree
     * @throws IllegalArgumentException if the topology is null
     */
    public static Dqdt of(Topology topology) {
        return builder(topology).build();
    }

    /**
     * @param topology any topology
     * @return a builder for a DQDT over it
     * @throws IllegalArgumentException if the topology is null
     */
    public static Builder builder(Topology topology) {
        if (topology == null) {
            throw new IllegalArgumentException("topology must not be null");
        }
        return new Builder(topology);
    }

    // ---------------------------------------------------------------- inspection

    /** @return the topology this tree covers */
    public Topology topology() {
        return topology;
    }

    /** @return the tree's shape */
    public DqdtShape shape() {
        return shape;
    }

    /** @return the live indicators, as policies see them */
    public Indicators indicators() {
        return cells;
    }

    /** @return the largest locality radius, the root's level: a search at this radius covers the machine */
    public int maxRadius() {
        return tree.levelCount() - 1;
    }

    /**
     * @param node a node
     * @return the quantum with which the node passes thread, saturation and block changes to its
     *         parent (1 for leaves and exact propagation)
     */
    public long countQuantum(int node) {
        return cells.countQuantum(node);
    }

    /**
     * @param node a node
     * @return the quantum with which it passes free-page changes to its parent
     */
    public long pageQuantum(int node) {
        return cells.pageQuantum(node);
    }

    /**
     * @param core a core of the topology
     * @return its threads, exact
     */
    public long threads(CoreId core) {
        return cells.coreThreads(checkCore(core));
    }

    /**
     * @param cluster a cluster of the topology
     * @return its threads, exact
     */
    public long threads(ClusterId cluster) {
        int c = shape.checkCluster(cluster);
        long sum = 0;
        for (int k = tree.firstCore()[c]; k < tree.firstCore()[c + 1]; k++) {
            sum += cells.coreThreads(k);
        }
        return sum;
    }

    /**
     * @param cluster a cluster of the topology
     * @return free page frames of its bank, exact
     */
    public long freePages(ClusterId cluster) {
        return cells.clusterFreePages(shape.checkCluster(cluster));
    }

    /**
     * @param cluster a cluster of the topology
     * @param order   a buddy order, 0 to {@value Indicators#MAX_ORDER}
     * @return free blocks of that order in its bank, exact
     */
    public long freeBlocks(ClusterId cluster, int order) {
        int c = shape.checkCluster(cluster);
        return cells.clusterFreeBlocks(c, checkOrder(order));
    }

    /**
     * @param cluster a cluster of the topology
     * @return the free pages {@link #findMemory} leaves it at least: the watermark fraction of its bank
     */
    public long watermark(ClusterId cluster) {
        return watermark[shape.checkCluster(cluster)];
    }

    /**
     * A text picture: the shape from the root down to {@code lowestLevel}, each node with its threads,
     * busy cores and free pages as its parent records them.
     *
     * @param lowestLevel the lowest level drawn
     * @return a multi-line picture
     * @throws IllegalArgumentException if the level is out of range
     */
    public String describe(int lowestLevel) {
        return shape.describe(lowestLevel, node -> " | threads " + cells.threads(node) + ", busy " + cells.busyCores(node)
                + ", free pages " + cells.freePages(node));
    }

    @Override
    public String toString() {
        return "Dqdt[" + topology.name() + ", " + tree.levelCount() + " levels, " + tree.nodeCount() + " nodes]";
    }

    // ---------------------------------------------------------------- thread events

    /**
     * A thread started on a core (chosen by the caller, not by {@link #placeThread}). Wait-free.
     *
     * @param core a core of the topology
     * @throws IllegalArgumentException if the core is not in the topology
     */
    public void threadStarted(CoreId core) {
        cells.addThread(checkCore(core), 1);
    }

    /**
     * A thread on a core ended. Wait-free.
     *
     * @param core a core of the topology
     * @throws IllegalArgumentException if the core is not in the topology
     * @throws IllegalStateException    if the core has no thread to end (the count is restored)
     */
    public void threadExited(CoreId core) {
        int k = checkCore(core);
        long before = cells.addThread(k, -1);
        if (before <= 0) {
            cells.addThread(k, 1);
            throw new IllegalStateException(core + " has no thread to exit: it holds " + before
                    + " threads (more exits than starts were reported)");
        }
    }

    /**
     * A thread moved between cores: counted on {@code to} first, then removed from {@code from}, so
     * it is never missing from the totals.
     *
     * @param from the core it left
     * @param to   the core it runs on now
     * @throws IllegalArgumentException if a core is not in the topology
     * @throws IllegalStateException    if {@code from} has no thread (nothing is changed)
     */
    public void threadMigrated(CoreId from, CoreId to) {
        int source = checkCore(from);
        int target = checkCore(to);
        cells.addThread(target, 1);
        long before = cells.addThread(source, -1);
        if (before <= 0) {
            cells.addThread(source, 1);
            cells.addThread(target, -1);
            throw new IllegalStateException(from + " has no thread to migrate: it holds " + before + " threads");
        }
    }

    // ---------------------------------------------------------------- memory events

    /**
     * The buddy allocator of a cluster gained or lost free blocks of one order; free pages change by
     * {@code delta << order}. Wait-free.
     *
     * @param cluster a cluster of the topology
     * @param order   a buddy order, 0 to {@value Indicators#MAX_ORDER}
     * @param delta   blocks gained (positive) or lost (negative)
     * @throws IllegalArgumentException if the cluster or order is out of range
     * @throws IllegalStateException    if the bank would hold fewer than zero blocks of that order
     *                                  (the count is restored)
     */
    public void freeBlocksChanged(ClusterId cluster, int order, int delta) {
        int c = shape.checkCluster(cluster);
        checkOrder(order);
        long before = cells.addBlocks(c, order, delta);
        if (before + delta < 0) {
            cells.addBlocks(c, order, -delta);
            throw new IllegalStateException(cluster + " has " + before + " free blocks of order " + order
                    + ": it cannot lose " + (-delta));
        }
    }

    /**
     * A block of {@code 2^order} pages was allocated from a cluster's free list of that order:
     * {@code freeBlocksChanged(cluster, order, -1)}.
     *
     * @param cluster a cluster of the topology
     * @param order   a buddy order, 0 to {@value Indicators#MAX_ORDER}
     */
    public void pagesAllocated(ClusterId cluster, int order) {
        freeBlocksChanged(cluster, order, -1);
    }

    /**
     * A block of {@code 2^order} pages went back to a cluster's free list of that order:
     * {@code freeBlocksChanged(cluster, order, +1)}.
     *
     * @param cluster a cluster of the topology
     * @param order   a buddy order, 0 to {@value Indicators#MAX_ORDER}
     */
    public void pagesFreed(ClusterId cluster, int order) {
        freeBlocksChanged(cluster, order, 1);
    }

    /**
     * Makes every node equal the exact sum of its leaves, and re-centres the quantisation, so the
     * staleness is again within the documented slack. One bottom-up pass over the nodes.
     * <b>Call at quiescence only</b>: an update running at the same time may be lost from the inner
     * nodes (never from the exact per-core and per-cluster counts) until the next quiescent flush.
     */
    public void flush() {
        cells.flush();
    }

    // ---------------------------------------------------------------- decisions

    /**
     * {@link #placeThread(ClusterId, int)} over the whole machine.
     *
     * @param origin the requester's cluster
     * @return the core now charged with the thread
     */
    public Optional<CoreId> placeThread(ClusterId origin) {
        return placeThread(origin, maxRadius());
    }

    /**
     * Chooses a core for a new thread near {@code origin} and charges the thread to it (call
     * {@link #threadExited} when it ends). Expanding-ring search: the origin cluster, then the rest
     * of its 2 x 2 block, then the next level, never searching a subtree twice; children sorted by
     * threads per core, then by distance; at the cluster, the core with fewest threads. The first
     * pass wants a core with no thread; when every core has one, later passes want a core below the
     * lowest load present (exact up to {@value Indicators#SATURATION_LEVELS} threads per core), so
     * sequential placements keep every core within one thread of every other. Concurrent placements
     * reserve optimistically and retry (a bounded number of times) when another placer took the
     * core first.
     *
     * @param origin the requester's cluster
     * @param radius the highest level searched, 0 to {@link #maxRadius()}
     * @return the core now charged with the thread; empty only if no core within the radius exists
     *         (never for a valid radius)
     * @throws IllegalArgumentException if the cluster or radius is out of range
     */
    public Optional<CoreId> placeThread(ClusterId origin, int radius) {
        int o = shape.checkCluster(origin);
        checkRadius(radius);
        return core(placement.placeThread(o, radius));
    }

    /**
     * {@link #placeProcess(ClusterId, int)} over the whole machine, from the root.
     *
     * @return the core now charged with the process's first thread
     */
    public Optional<CoreId> placeProcess() {
        return core(placement.placeProcess(tree.root()));
    }

    /**
     * Chooses a core for a new process's first thread, from the top of the subtree of {@code near}
     * at {@code radius} downwards (from the root for {@link #placeProcess()}), and charges the thread
     * to it. Children are sorted by threads per core; ties between equally loaded subtrees and cores
     * are broken by a seeded random choice ({@link Builder#seed}), so processes spread over the chip
     * and a run repeats from its seed. Filters, passes and reservation as {@link #placeThread}.
     *
     * @param near   a cluster inside the subtree
     * @param radius the subtree's level, 0 to {@link #maxRadius()}
     * @return the core now charged with the thread
     * @throws IllegalArgumentException if the cluster or radius is out of range
     */
    public Optional<CoreId> placeProcess(ClusterId near, int radius) {
        int o = shape.checkCluster(near);
        checkRadius(radius);
        return core(placement.placeProcess(tree.ancestor(o, radius)));
    }

    /**
     * {@link #findMemory(ClusterId, int, int, int)} over the whole machine.
     *
     * @param origin the requester's cluster
     * @param order  the smallest block order that serves, 0 to {@value Indicators#MAX_ORDER}
     * @param pages  the pages the caller means to take, 1 or more
     * @return the cluster, or empty when none fits
     */
    public Optional<ClusterId> findMemory(ClusterId origin, int order, int pages) {
        return findMemory(origin, order, pages, maxRadius());
    }

    /**
     * The nearest cluster whose bank has a free block of at least {@code order} and keeps at least
     * its {@link #watermark} of free pages after giving {@code pages}; among subtrees at the same
     * distance, those with more free pages first. Nothing is reserved (as in ALMOS): the allocation
     * itself may still fail, and the allocator then asks again.
     *
     * @param origin the requester's cluster
     * @param order  the smallest block order that serves, 0 to {@value Indicators#MAX_ORDER}
     * @param pages  the pages the caller means to take, 1 or more
     * @param radius the highest level searched, 0 to {@link #maxRadius()}
     * @return the cluster, or empty when none within the radius fits
     * @throws IllegalArgumentException if an argument is out of range
     */
    public Optional<ClusterId> findMemory(ClusterId origin, int order, int pages, int radius) {
        int o = shape.checkCluster(origin);
        checkOrder(order);
        if (pages < 1) {
            throw new IllegalArgumentException("pages = " + pages + " must be at least 1");
        }
        checkRadius(radius);
        int c = placement.findMemory(o, radius, order, pages, watermark);
        return c < 0 ? Optional.empty() : Optional.of(topology.cluster(c));
    }

    /**
     * {@link #migrationTarget(CoreId, int)} over the whole machine.
     *
     * @param core the overloaded core
     * @return the target, or empty
     */
    public Optional<CoreId> migrationTarget(CoreId core) {
        return migrationTarget(core, maxRadius());
    }

    /**
     * For load balancing: the nearest core, by expanding rings around an overloaded core, that holds
     * at least two threads fewer, so that moving one thread there evens the load (least loaded
     * first within a ring). Nothing is charged: report the move with {@link #threadMigrated}.
     *
     * @param core   the overloaded core
     * @param radius the highest level searched, 0 to {@link #maxRadius()}
     * @return the target, or empty when the core holds fewer than two threads or no core in the
     *         radius is two threads lighter
     * @throws IllegalArgumentException if the core or radius is out of range
     */
    public Optional<CoreId> migrationTarget(CoreId core, int radius) {
        int k = checkCore(core);
        checkRadius(radius);
        return core(placement.migrationTarget(k, radius));
    }

    /**
     * Runs a custom policy through the expanding-ring search from {@code origin}.
     *
     * @param origin the cluster the rings grow from
     * @param radius the highest level searched, 0 to {@link #maxRadius()}
     * @param policy the filter, sort key and final select
     * @return the policy's non-negative answer, or empty when it selected nothing
     * @throws IllegalArgumentException if an argument is out of range or null
     */
    public OptionalInt search(ClusterId origin, int radius, SearchPolicy policy) {
        int o = shape.checkCluster(origin);
        checkRadius(radius);
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        int r = RingSearch.search(tree, cells, o, radius, policy);
        return r < 0 ? OptionalInt.empty() : OptionalInt.of(r);
    }

    // ---------------------------------------------------------------- checks

    private Optional<CoreId> core(int index) {
        return index < 0 ? Optional.empty() : Optional.of(topology.core(index));
    }

    private int checkCore(CoreId core) {
        if (core == null) {
            throw new IllegalArgumentException("core must not be null");
        }
        if (core.index() >= topology.coreCount()) {
            throw new IllegalArgumentException(core + " is not in topology '" + topology.name() + "', which has cores 0 to "
                    + (topology.coreCount() - 1) + ": is it an id of another topology?");
        }
        return core.index();
    }

    private static int checkOrder(int order) {
        if (order < 0) {
            throw new IllegalArgumentException("order " + order + " is negative: buddy orders start at 0");
        }
        if (order > Indicators.MAX_ORDER) {
            throw new IllegalArgumentException("order " + order + " is above the maximum buddy order " + Indicators.MAX_ORDER);
        }
        return order;
    }

    private void checkRadius(int radius) {
        if (radius < 0 || radius > maxRadius()) {
            throw new IllegalArgumentException("radius " + radius + " must be between 0 (the origin's cluster) and "
                    + maxRadius() + " (the root's level)");
        }
    }

    // ---------------------------------------------------------------- builder

    /**
     * Configures a {@link Dqdt}. Not thread-safe; each setter validates its argument at once.
     */
    public static final class Builder {
        private final Topology topology;
        private int coreDivisor = 64;
        private int pageDivisor = 512;
        private double watermark = 0.15;
        private boolean memoryFree = true;
        private long seed;

        private Builder(Topology topology) {
            this.topology = topology;
        }

        /**
         * Every quantum 1: each event climbs to the root, as in ALMOS. Exact at quiescence, but the
         * root is written by every event.
         *
         * @return this builder
         */
        public Builder exactPropagation() {
            coreDivisor = Integer.MAX_VALUE;
            pageDivisor = Integer.MAX_VALUE;
            return this;
        }

        /**
         * Sets the quantum of thread, saturation and block counts: the largest power of two at most a
         * subtree's cores divided by {@code divisor}. Larger divisors mean fresher inner nodes and a
         * busier root. Default 64.
         *
         * @param divisor 1 or more
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder countDivisor(int divisor) {
            if (divisor < 1) {
                throw new IllegalArgumentException("count divisor " + divisor + " must be at least 1");
            }
            coreDivisor = divisor;
            return this;
        }

        /**
         * Sets the quantum of free pages: the largest power of two at most a subtree's page frames
         * divided by {@code divisor}. Default 512.
         *
         * @param divisor 1 or more
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder pageDivisor(int divisor) {
            if (divisor < 1) {
                throw new IllegalArgumentException("page divisor " + divisor + " must be at least 1");
            }
            pageDivisor = divisor;
            return this;
        }

        /**
         * Sets the share of each bank that {@link #findMemory} leaves free (ALMOS: 15 % for user
         * allocations, 5 % for priority ones). Default 0.15.
         *
         * @param fraction from 0 (inclusive) to 1 (exclusive)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder memoryWatermark(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("memory watermark " + fraction + " must be at least 0 and below 1");
            }
            watermark = fraction;
            return this;
        }

        /**
         * Starts with no free memory: the page allocator reports its free lists with
         * {@link #freeBlocksChanged}. By default every bank starts all free, as a fresh buddy
         * allocator holds it: blocks of order {@value Indicators#MAX_ORDER}, then the binary
         * remainder.
         *
         * @return this builder
         */
        public Builder emptyMemory() {
            memoryFree = false;
            return this;
        }

        /**
         * @param seed the seed of {@link #placeProcess()}'s random tie-breaks; default 0
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @return the DQDT */
        public Dqdt build() {
            return new Dqdt(this);
        }
    }
}
