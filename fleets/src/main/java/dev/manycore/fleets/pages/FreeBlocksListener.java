package dev.manycore.fleets.pages;

import dev.manycore.numa.ClusterId;

/**
 * Told every time a bank's count of free blocks of one order changes, so a page allocator fleet
 * can keep the DQDT's free-page and free-block indicators exact: its signature is that of
 * {@code Dqdt.freeBlocksChanged(ClusterId, int, int)}, so {@code dqdt::freeBlocksChanged} is a
 * listener. Free pages change by {@code delta << order} with each call.
 *
 * <p>A split of an order-{@code k} block down to order {@code j} reports {@code -1} at {@code k}
 * and {@code +1} at each of {@code j..k-1}; a free that merges reports {@code -1} for every buddy
 * absorbed and {@code +1} for the final block. Called on the bank's owning thread, after the bank's
 * state has changed. <b>Must not throw</b>: the change has happened and cannot be rolled back.
 */
@FunctionalInterface
public interface FreeBlocksListener {

    /**
     * @param cluster the bank's cluster
     * @param order   the buddy order whose count changed, 0 to {@value PageRun#MAX_ORDER}
     * @param delta   blocks gained (positive) or lost (negative)
     */
    void freeBlocksChanged(ClusterId cluster, int order, int delta);
}
