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
    public long childKey(int parent, int slot, int child, int origin) {
        long cores = tree.cores()[child];
        long threads;
        if (limit == UNLIMITED) {
            threads = cells.threadsIn(parent, slot);
        } else if (limit == 1) {
            // Busy cores and threads share one cell: one read for the filter and the key.
            long packed = cells.threadsAndBusyIn(parent, slot);
            if (IndicatorCells.packedBusy(packed) >= cores) {
                return -1;
            }
            threads = Math.max(0, IndicatorCells.packedThreads(packed));
        } else if (limit <= Indicators.SATURATION_LEVELS) {
            if (cells.saturationIn(parent, slot, (int) limit) >= cores) {
                return -1;
            }
            threads = cells.threadsIn(parent, slot);
        } else {
            threads = cells.threadsIn(parent, slot);
            if (threads - cells.threadSlackOf(child) >= limit * cores) {
                return -1;
            }
        }
        if (random) {
            return sortKey(cells, child, 0);
        }
        long perCore = perCore(Math.min(threads, 1L << 30) * 1024, (int) cores);
        return perCore << 16 | Math.min(tree.hops(origin, child), 0xFFFF);
    }

    @Override
    public long sortKey(Indicators view, int node, int hops) {
        // Processes are placed rarely and from the top: they afford the fresher sum of each child.
        long threads = random ? cells.freshThreadsOf(node) : cells.threadsOf(node);
        long perCore = perCore(Math.min(threads, 1L << 30) * 1024, tree.cores()[node]);
        long tie = random ? Mix.bits16(salt, node) : Math.min(hops, 0xFFFF);
        return perCore << 16 | tie;
    }

    /** {@code scaled / cores}, a shift when cores is a power of two (every subtree of a full mesh). */
    private static long perCore(long scaled, int cores) {
        return (cores & (cores - 1)) == 0 ? scaled >> Integer.numberOfTrailingZeros(cores) : scaled / cores;
    }

    @Override
    public int select(Indicators view, int leaf) {
        int first = tree.firstCore()[leaf];
        int end = first + tree.cores()[leaf];
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int core = first; core < end; core++) {
            long threads = cells.coreLoad(core);
            if (threads >= limit) {
                continue;
            }
            long key = threads << 16 | (random ? Mix.bits16(salt, core) : core - first);
            if (key < bestKey) {
                best = core;
                bestKey = key;
            }
        }
        return best;
    }
}
