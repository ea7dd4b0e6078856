package dev.manycore.dqdt.internal;

import dev.manycore.dqdt.Indicators;
import dev.manycore.dqdt.SearchPolicy;

/**
 * The default thread, process and migration policy (ALMOS {@code dqdt.c} thread placement):
 * filter "some core of the subtree holds fewer than {@code limit} threads", children sorted by
 * threads per core then by distance (or, for processes, by threads per core as each child sums
 * them itself, then a seeded random tie-break), and at the leaf the core with the fewest threads.
 *
 * <p>The filter is exact where ALMOS's "T &lt; cores" is not: for limits up to
 * {@value Indicators#SATURATION_LEVELS} it reads the count of cores holding at least {@code limit}
 * threads, so a subtree passes exactly when one of its cores is below the limit. Above that it
 * falls back to "T &lt; limit x cores", which is exact while loads differ by at most one. The
 * saturation counts are rounded down and the thread sum is lowered by its slack, so at quiescence
 * a stale counter never hides a core below the limit; the leaf's exact per-core counts have the
 * last word.
 *
 * <p>Immutable; any thread may use an instance.
 */
final class LoadPolicy implements SearchPolicy, RingSearch.ChildKey {

    /** No limit: every subtree passes (the last resort of a placement). */
    static final long UNLIMITED = Long.MAX_VALUE;

    private final TreeArrays tree;
    private final IndicatorCells cells;
    private final long limit;
    private final long salt;
    private final boolean random;

    /**
     * @param tree   the tree
     * @param cells  its counters, read without argument checks (the traversal passes valid nodes)
     * @param limit  accept cores with fewer threads than this, or {@link #UNLIMITED}
     * @param salt   random bits for tie-breaks
     * @param random true to break ties at random (process placement), false by distance and index
     */
    LoadPolicy(TreeArrays tree, IndicatorCells cells, long limit, long salt, boolean random) {
        this.tree = tree;
        this.cells = cells;
        this.limit = limit;
        this.salt = salt;
        this.random = random;
    }

    long limit() {
        return limit;
    }

    @Override
    public boolean admits(Indicators view, int node) {
        if (limit == UNLIMITED) {
            return true;
        }
        long cores = tree.cores()[node];
        if (limit <= Indicators.SATURATION_LEVELS) {
            // Never above the exact count: equal to cores means every core is certainly at the limit.
            return cells.saturationOf(node, (int) limit) < cores;
        }
        return cells.threadsOf(node) - cells.threadSlackOf(node) < limit * cores;
    }

    @Override
    public long leastChild(int node, int excluded, int slots, int origin) {
        int[] children = tree.children();
        int[] cores = tree.cores();
        int[] box = tree.meshBox();
        long[] rows = cells.rowCells();
        int base = node * TreeArrays.ARITY;
        // Loop invariants first: opaque reads keep the compiler from reusing loads across them.
        int threadsCell = cells.rowCell(node, IndicatorCells.THREADS);
        int saturatedCell = limit >= 2 && limit <= Indicators.SATURATION_LEVELS
                ? cells.rowCell(node, IndicatorCells.SAT_FIRST + (int) limit - 1) : -1;
        int ox = box == null ? 0 : box[origin * 4];
        int oy = box == null ? 0 : box[origin * 4 + 2];
        long least = RingSearch.NONE;
        for (int s = 0; s < TreeArrays.ARITY; s++) {
            int child = children[base + s];
            if ((slots & 1 << s) == 0 || child < 0 || child == excluded) {
                continue;
            }
            long c = cores[child];
            long packed = IndicatorCells.readCell(rows, threadsCell + s);
            long threads = Math.max(0, IndicatorCells.packedThreads(packed));
            boolean full;
            if (limit == 1) {
                full = IndicatorCells.packedBusy(packed) >= c;
            } else if (saturatedCell >= 0) {
                full = IndicatorCells.readCell(rows, saturatedCell + s) >= c;
            } else {
                full = limit != UNLIMITED && threads - cells.threadSlackOf(child) >= limit * c;
            }
            if (full) {
                continue;
            }
            long slotKey;
            if (random) {
                slotKey = Math.min(RingSearch.KEY_LIMIT, sortKey(cells, child, 0)) << 2 | s;
            } else {
                int hops = box != null ? TreeArrays.boxHops(box, child, ox, oy) : tree.hops(origin, child);
                slotKey = nearestSlotKey(threads, (int) c, hops, s);
            }
            least = Math.min(least, slotKey);
        }
        return least;
    }

    @Override
    public long sortKey(Indicators view, int node, int hops) {
        // Processes are placed rarely and from the top: they afford the fresher sum of each child.
        long threads = random ? cells.freshThreadsOf(node) : cells.threadsOf(node);
        long perCore = perCore(Math.min(threads, 1L << 30) * 1024, tree.cores()[node]);
        long tie = random ? Mix.bits16(salt, node) : Math.min(hops, 0xFFFF);
        return perCore << 16 | tie;
    }

    /**
     * The nearest-first order of a child that passes the filter, shared with {@link NearestCoreSearch}:
     * threads per core (times 1024), then hops, clamped to {@link RingSearch#KEY_LIMIT}, with the
     * child's slot in the two low bits so that equal keys keep slot order.
     *
     * @param threads the child's thread count as its parent records it (a stale negative reads as 0)
     * @param cores   the child's cores
     * @param hops    hops from the origin to the child
     * @param slot    the child's slot in its parent, 0 to 3
     * @return {@code key << 2 | slot}
     */
    static long nearestSlotKey(long threads, int cores, int hops, int slot) {
        long perCore = perCore(Math.min(Math.max(0, threads), 1L << 30) * 1024, cores);
        return Math.min(RingSearch.KEY_LIMIT, perCore << 16 | Math.min(hops, 0xFFFF)) << 2 | slot;
    }

    /** {@code scaled / cores}, a shift when cores is a power of two (every subtree of a full mesh). */
    private static long perCore(long scaled, int cores) {
        return (cores & (cores - 1)) == 0 ? scaled >> Integer.numberOfTrailingZeros(cores) : scaled / cores;
    }

    @Override
    public int select(Indicators view, int leaf) {
        if (!random) {
            return cells.leastLoadedCore(leaf, limit);
        }
        int first = tree.firstCore()[leaf];
        int end = first + tree.cores()[leaf];
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int core = first; core < end; core++) {
            long threads = cells.coreLoad(core);
            if (threads >= limit) {
                continue;
            }
            long key = threads << 16 | Mix.bits16(salt, core);
            if (key < bestKey) {
                best = core;
                bestKey = key;
            }
        }
        return best;
    }
}
