package dev.manycore.dqdt.internal;

import dev.manycore.dqdt.Indicators;

/**
 * The expanding-ring search of {@link RingSearch} (ALMOS {@code dqdt.c}; "Decisions: expanding-ring
 * search" in {@code reference/almos-dqdt-notes.md}) specialised to the thread-placement passes of
 * {@link Placement}: the nearest-first {@link LoadPolicy} with a saturation filter ("a core below
 * {@code limit} threads", {@code 1 <= limit <=} {@value Indicators#SATURATION_LEVELS}). Same rings,
 * same keys, same order of children, same leaf select as {@code RingSearch.search} with that
 * policy; two steps are cheaper.
 *
 * <p><b>No filter on the ancestors.</b> The generic search asks the filter about each ancestor on
 * the way up (its cell in the grandparent's row) before it sorts the ancestor's other children.
 * This filter reads a saturation count, which at quiescence is never above the exact count
 * (rounded down, see {@link IndicatorCells}): when it refuses a subtree, every core there truly
 * holds {@code limit} threads or more, so the exact select refuses every leaf and the depth-first
 * search inside finds nothing. Going straight to the ancestor's own row, where each other child is
 * filtered on its own cell, therefore returns what the generic search returns at quiescence
 * ({@code NearestCoreSearchProperties} checks it against the generic path). While updates run,
 * both read stale counts within the same documented bounds. The origin's own leaf is still
 * filtered first, on its cell in the parent's row, before its cores are read.
 *
 * <p><b>Filter first, keys only when there is a choice.</b> A node's four child cells are read
 * first; the filter of the four slots becomes a bit mask without a branch per slot; a node with no
 * passing child is left at once, one with a single passing child goes to it without computing any
 * key (it is the least whatever its key); only two or more compute threads per core and hops. On
 * the way up most ancestors have no candidate, or one, besides the excluded child.
 *
 * <p>The first branch (least key at each level) is walked as a loop; at a dead end (stale counters)
 * the generic depth-first search runs from the same node with the same policy, so the answer is
 * always the depth-first search's. Counters are read opaque, as everywhere in {@link
 * IndicatorCells}. Immutable after construction (tables derived from the tree); allocation-free;
 * any thread may call it.
 */
final class NearestCoreSearch {

    /** Ints per node in {@link #lines}: a node's search data in one 64-byte record. */
    private static final int LINE = 16;
    private static final int CHILD_CORES = 4;
    private static final int PRESENT = 8;
    private static final int SLOT = 9;
    private static final int PARENT = 10;
    private static final int LEVEL = 11;
    private static final int CELL_IN_PARENT = 12;
    private static final int OWN_CORES = 13;
    private static final int FIRST_CORE_CELL = 14;
    private static final int FIRST_CORE = 15;

    private final TreeArrays tree;
    private final IndicatorCells cells;
    private final long[] rows;
    /**
     * Per node, {@link #LINE} ints: its four children (-1 where absent), their cores (0 where
     * absent), the mask of present slots, its slot under its parent, its parent, its level, the
     * index of its packed cell in its parent's row (-1 for the root), its cores, and for a leaf its
     * first core's cell and index. One record instead of seven arrays: a search step reads one or
     * two cache lines of it, where the arrays of {@link TreeArrays} cost a line each; the search is
     * bound by its chain of dependent loads (measured at 4096 clusters: about 8 ns of 64 saved).
     * 64 bytes per node: 350 KB at 4096 clusters.
     */
    private final int[] lines;
    private final int[] cores;
    /** Mesh boxes, or null on a matrix topology (hops then come from {@link TreeArrays#hops}). */
    private final int[] box;

    NearestCoreSearch(TreeArrays tree, IndicatorCells cells) {
        this.tree = tree;
        this.cells = cells;
        this.rows = cells.rowCells();
        this.cores = tree.cores();
        this.box = tree.meshBox();
        int n = tree.nodeCount();
        this.lines = new int[n * LINE];
        for (int node = 0; node < n; node++) {
            int line = node * LINE;
            for (int s = 0; s < TreeArrays.ARITY; s++) {
                int child = tree.children()[node * TreeArrays.ARITY + s];
                lines[line + s] = child;
                if (child >= 0) {
                    lines[line + PRESENT] |= 1 << s;
                    lines[line + CHILD_CORES + s] = cores[child];
                }
            }
            lines[line + SLOT] = tree.slot()[node];
            lines[line + PARENT] = tree.parent()[node];
            lines[line + LEVEL] = tree.level()[node];
            lines[line + CELL_IN_PARENT] = cells.packedCellInParent(node);
            lines[line + OWN_CORES] = cores[node];
            if (tree.level()[node] == 0) {
                lines[line + FIRST_CORE_CELL] = cells.firstCoreCell(node);
                lines[line + FIRST_CORE] = tree.firstCore()[node];
            }
        }
    }

    /**
     * {@code RingSearch.search(tree, cells, origin, radius, policy)} for a nearest-first policy
     * whose limit is between 1 and {@value Indicators#SATURATION_LEVELS}.
     *
     * @param origin the origin cluster
     * @param radius the highest level searched
     * @param policy the pass's policy ({@link LoadPolicy#limit()} in range, not random): its filter
     *               decides at the origin's leaf, and the depth-first fallback runs with it
     * @return the chosen core, or -1 when no core within the radius is below the limit
     */
    int search(int origin, int radius, LoadPolicy policy) {
        int limit = (int) policy.limit();
        int cellInParent = lines[origin * LINE + CELL_IN_PARENT];
        boolean admitted;
        if (cellInParent < 0) {
            admitted = policy.admits(cells, origin);
        } else {
            // The policy's filter on the leaf's cell in its parent's row, read from the record.
            long v = IndicatorCells.readCell(rows, cellInParent + (limit - 1) * TreeArrays.ARITY);
            admitted = (limit == 1 ? IndicatorCells.packedBusy(v) : v) < lines[origin * LINE + OWN_CORES];
        }
        if (admitted) {
            int found = leastLoaded(origin, limit);
            if (found >= 0) {
                return found;
            }
        }
        int ox = box == null ? 0 : box[origin * 4];
        int oy = box == null ? 0 : box[origin * 4 + 2];
        int node = origin;
        for (int l = 1; l <= radius; l++) {
            int excluded = node;
            node = lines[node * LINE + PARENT];
            int found = descend(node, excluded, origin, ox, oy, limit, policy);
            if (found >= 0) {
                return found;
            }
        }
        return -1;
    }

    /** The first branch from {@code top}, as {@code RingSearch.descend}; the depth-first search at a dead end. */
    private int descend(int top, int excluded, int origin, int ox, int oy, int limit, LoadPolicy policy) {
        int node = top;
        int skip = excluded;
        while (lines[node * LINE + LEVEL] != 0) {
            long least = leastChild(node, skip, origin, ox, oy, limit);
            if (least == RingSearch.NONE) {
                return node == top ? -1 : RingSearch.depthFirst(tree, cells, origin, top, excluded, policy);
            }
            node = lines[node * LINE + (int) (least & 3)];
            skip = -1;
        }
        int found = leastLoaded(node, limit);
        return found != -1 || node == top ? found : RingSearch.depthFirst(tree, cells, origin, top, excluded, policy);
    }

    /** {@code IndicatorCells.leastLoadedCore} with the leaf's first core cell and index from its record. */
    private int leastLoaded(int leaf, int limit) {
        int line = leaf * LINE;
        int k = cells.leastLoadedAt(lines[line + FIRST_CORE_CELL], lines[line + OWN_CORES], limit);
        return k < 0 ? -1 : lines[line + FIRST_CORE] + k;
    }

    /**
     * {@link LoadPolicy#leastChild} for this filter over all slots: the least {@code key << 2 | slot}
     * over the present children but {@code excluded} that have a core below the limit, {@link
     * RingSearch#NONE} if none. When only one child passes, its key is not computed (it is the
     * least whatever its key) and the result is its slot alone: callers use the slot and the
     * comparison with {@code NONE}, never the key.
     */
    private long leastChild(int node, int excluded, int origin, int ox, int oy, int limit) {
        int threadsCell = cells.rowCell(node, IndicatorCells.THREADS);
        // Every opaque read first (a slot without a child has a cell too, left at 0).
        long p0 = IndicatorCells.readCell(rows, threadsCell);
        long p1 = IndicatorCells.readCell(rows, threadsCell + 1);
        long p2 = IndicatorCells.readCell(rows, threadsCell + 2);
        long p3 = IndicatorCells.readCell(rows, threadsCell + 3);
        long f0;
        long f1;
        long f2;
        long f3;
        if (limit == 1) {
            f0 = IndicatorCells.packedBusy(p0);
            f1 = IndicatorCells.packedBusy(p1);
            f2 = IndicatorCells.packedBusy(p2);
            f3 = IndicatorCells.packedBusy(p3);
        } else {
            int saturatedCell = cells.rowCell(node, IndicatorCells.SAT_FIRST + limit - 1);
            f0 = IndicatorCells.readCell(rows, saturatedCell);
            f1 = IndicatorCells.readCell(rows, saturatedCell + 1);
            f2 = IndicatorCells.readCell(rows, saturatedCell + 2);
            f3 = IndicatorCells.readCell(rows, saturatedCell + 3);
        }
        // Which slots pass, without a branch: bit s is the sign bit of (full cores - cores) of child s.
        int line = node * LINE;
        int mask = (int) ((f0 - lines[line + CHILD_CORES]) >>> 63) | (int) ((f1 - lines[line + CHILD_CORES + 1]) >>> 63) << 1
                | (int) ((f2 - lines[line + CHILD_CORES + 2]) >>> 63) << 2 | (int) ((f3 - lines[line + CHILD_CORES + 3]) >>> 63) << 3;
        mask &= lines[line + PRESENT];
        if (excluded >= 0) {
            mask &= ~(1 << lines[excluded * LINE + SLOT]);
        }
        if (mask == 0) {
            return RingSearch.NONE;
        }
        if ((mask & (mask - 1)) == 0) {
            return Integer.numberOfTrailingZeros(mask);
        }
        long k0 = (mask & 1) != 0 ? slotKey(lines[line], 0, p0, origin, ox, oy) : RingSearch.NONE;
        long k1 = (mask & 2) != 0 ? slotKey(lines[line + 1], 1, p1, origin, ox, oy) : RingSearch.NONE;
        long k2 = (mask & 4) != 0 ? slotKey(lines[line + 2], 2, p2, origin, ox, oy) : RingSearch.NONE;
        long k3 = (mask & 8) != 0 ? slotKey(lines[line + 3], 3, p3, origin, ox, oy) : RingSearch.NONE;
        return Math.min(Math.min(k0, k1), Math.min(k2, k3));
    }

    /** {@link LoadPolicy#nearestSlotKey} of a child that passes the filter: the key {@code RingSearch} sorts by. */
    private long slotKey(int child, int slot, long packed, int origin, int ox, int oy) {
        int hops = box != null ? TreeArrays.boxHops(box, child, ox, oy) : tree.hops(origin, child);
        return LoadPolicy.nearestSlotKey(IndicatorCells.packedThreads(packed), cores[child], hops, slot);
    }
}
