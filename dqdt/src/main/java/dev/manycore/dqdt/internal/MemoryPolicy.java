package dev.manycore.dqdt.internal;

import dev.manycore.dqdt.Indicators;
import dev.manycore.dqdt.SearchPolicy;

/**
 * The default memory policy (ALMOS {@code dqdt.c} memory search and {@code ppm.c} watermarks): a
 * cluster is eligible when its bank has a free block of at least the requested order and keeps at
 * least its watermark of free pages after giving the requested pages; nearer subtrees first, then
 * those with more free pages. Nothing is reserved, as in ALMOS: the page allocator's own allocation
 * may still fail, and it searches again.
 *
 * <p>Immutable; one instance per request.
 */
final class MemoryPolicy implements SearchPolicy {

    private static final long PAGE_KEY_LIMIT = (1L << 40) - 1;

    private final IndicatorCells cells;
    private final long[] watermark;
    private final int order;
    private final long pages;

    /**
     * @param cells     the counters, read without argument checks (the traversal passes valid nodes)
     * @param watermark free pages each cluster must keep, by cluster index
     * @param order     the smallest acceptable block order
     * @param pages     the pages the caller means to take
     */
    MemoryPolicy(IndicatorCells cells, long[] watermark, int order, long pages) {
        this.cells = cells;
        this.watermark = watermark;
        this.order = order;
        this.pages = pages;
    }

    @Override
    public boolean admits(Indicators view, int node) {
        // Free memory is rounded up: a stale counter never hides an eligible cluster; select checks exactly.
        return cells.freeBlocksAtLeastOf(node, order) >= 1 && cells.freePagesOf(node) >= pages;
    }

    @Override
    public long sortKey(Indicators view, int node, int hops) {
        return (long) Math.min(hops, 0xFFFFF) << 40 | (PAGE_KEY_LIMIT - Math.min(cells.freePagesOf(node), PAGE_KEY_LIMIT));
    }

    @Override
    public int select(Indicators view, int leaf) {
        for (int o = order; o <= Indicators.MAX_ORDER; o++) {
            if (cells.bankBlocks(leaf, o) > 0) {
                return cells.bankPages(leaf) - pages >= watermark[leaf] ? leaf : -1;
            }
        }
        return -1;
    }
}
