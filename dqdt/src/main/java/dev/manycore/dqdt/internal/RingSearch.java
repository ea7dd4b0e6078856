package dev.manycore.dqdt.internal;

import dev.manycore.dqdt.Indicators;
import dev.manycore.dqdt.SearchPolicy;

/**
 * The one DQDT traversal, parameterised by a {@link SearchPolicy} (ALMOS {@code dqdt.c}: up-traversal
 * then down-traversal; "Decisions: expanding-ring search" in {@code reference/almos-dqdt-notes.md}).
 *
 * <p>Up: start at the origin's leaf; if the policy admits the current node, search down inside it,
 * skipping the child already searched; otherwise, or if that finds nothing, move to the parent and
 * remember where we came from; stop after the radius level. So the rings are: the origin cluster,
 * the rest of its level-1 block, the rest of its level-2 block, and so on, and no subtree is searched
 * twice.
 *
 * <p>Down: at an inner node, the present children that the policy admits are tried in increasing
 * order of the policy's key (ties by slot), depth first; at a leaf the policy's select decides, and
 * {@code -1} backtracks. The first branch (the least key at every level) is walked as a loop; only
 * when it dead-ends (stale counters) does the full depth-first search run, from the same node, so
 * the answer is always the depth-first search's. Each node is visited at most twice per search, and
 * its children's keys are read at most five times (once on the first branch, then once per child
 * the depth-first search tries), so a search is bounded by {@code 10 x nodeCount} key reads; with
 * fresh values it goes straight down, about {@code 4 x levels} reads and no recursion.
 *
 * <p>Stateless and allocation-free (keys are local longs); any thread may call it.
 */
public final class RingSearch {

    /** Keys are clamped to {@code [0, KEY_LIMIT]}, then shifted left by two for the slot. */
    static final long KEY_LIMIT = (1L << 60) - 1;
    /** No child passes. */
    static final long NONE = Long.MAX_VALUE;
    /** The slot mask of every child. */
    static final int ALL_SLOTS = (1 << TreeArrays.ARITY) - 1;

    private RingSearch() {
    }

    /**
     * The expanding-ring search from a cluster.
     *
     * @param tree   the tree
     * @param view   indicators for the policy
     * @param origin the origin cluster (its leaf)
     * @param radius the highest level searched
     * @param policy the policy
     * @return the policy's answer, or {@code -1} when nothing within the radius fits
     */
    public static int search(TreeArrays tree, Indicators view, int origin, int radius, SearchPolicy policy) {
        int node = origin;
        int excluded = -1;
        for (int level = 0; ; level++) {
            if (policy.admits(view, node)) {
                int found = descend(tree, view, origin, node, excluded, policy);
                if (found >= 0) {
                    return found;
                }
            }
            if (level >= radius) {
                return -1;
            }
            excluded = node;
            node = tree.parent()[node];
        }
    }

    /**
     * A search down one subtree only, with no up-traversal (process placement starts at the root).
     *
     * @param tree   the tree
     * @param view   indicators for the policy
     * @param origin the cluster hops are measured from
     * @param node   the subtree
     * @param policy the policy
     * @return the policy's answer, or {@code -1}
     */
    public static int searchWithin(TreeArrays tree, Indicators view, int origin, int node, SearchPolicy policy) {
        return policy.admits(view, node) ? descend(tree, view, origin, node, -1, policy) : -1;
    }

    /**
     * The first branch of the depth-first search, without recursion: at each level the child with
     * the least key. With fresh values it serves, and its answer is the depth-first search's. At a
     * dead end (stale counters: no child passes, or the leaf's select refuses) the full depth-first
     * search runs from the top again, so the result is always the depth-first search's.
     */
    private static int descend(TreeArrays tree, Indicators view, int origin, int top, int excluded,
                               SearchPolicy policy) {
        int[] level = tree.level();
        int[] children = tree.children();
        int node = top;
        int skip = excluded;
        while (level[node] != 0) {
            long least = least(tree, view, origin, node, skip, ALL_SLOTS, policy);
            if (least == NONE) {
                return node == top ? -1 : depthFirst(tree, view, origin, top, excluded, policy);
            }
            node = children[node * TreeArrays.ARITY + (int) (least & 3)];
            skip = -1;
        }
        int found = policy.select(view, node);
        return found != -1 || node == top ? found : depthFirst(tree, view, origin, top, excluded, policy);
    }

    /**
     * The depth-first search inside {@code node}, children in increasing key order, {@code excluded}
     * left out; also the dead-end fallback of {@link NearestCoreSearch}.
     */
    static int depthFirst(TreeArrays tree, Indicators view, int origin, int node, int excluded,
                          SearchPolicy policy) {
        if (tree.level()[node] == 0) {
            return policy.select(view, node);
        }
        // Children in increasing key order: the least remaining key each time (keys are distinct, the
        // slot being their low bits); keys are read again for each, which only this rare path pays.
        int slots = ALL_SLOTS;
        for (;;) {
            long least = least(tree, view, origin, node, excluded, slots, policy);
            if (least == NONE) {
                return -1;
            }
            int s = (int) (least & 3);
            int found = depthFirst(tree, view, origin, tree.children()[node * TreeArrays.ARITY + s], -1, policy);
            if (found != -1) {
                return found;
            }
            slots &= ~(1 << s);
        }
    }

    /**
     * The least {@code key << 2 | slot} over the children of {@code node} in the slot mask, but
     * {@code excluded}, that the policy admits; {@link #NONE} if none.
     */
    private static long least(TreeArrays tree, Indicators view, int origin, int node, int excluded, int slots,
                              SearchPolicy policy) {
        if (policy instanceof ChildKey rows) {
            // The built-in policies read the children's counters from the node's row, in one call.
            return rows.leastChild(node, excluded, slots, origin);
        }
        int[] children = tree.children();
        int base = node * TreeArrays.ARITY;
        long least = NONE;
        for (int s = 0; s < TreeArrays.ARITY; s++) {
            int child = children[base + s];
            if ((slots & 1 << s) != 0 && child >= 0 && child != excluded && policy.admits(view, child)) {
                long k = Math.max(0, Math.min(KEY_LIMIT, policy.sortKey(view, child, tree.hops(origin, child))));
                least = Math.min(least, k << 2 | s);
            }
        }
        return least;
    }

    /**
     * The filter and the sort key of a node's children in one call, for policies of this package
     * that read a child's counters from its parent's row (where they are stored) instead of looking
     * each child up, so the search's hottest step is one compiled unit.
     */
    interface ChildKey {
        /**
         * @param node     an inner node
         * @param excluded a child to leave out, or -1
         * @param slots    the slots to consider, a bit mask ({@link #ALL_SLOTS} for all)
         * @param origin   the origin cluster, for hops
         * @return the least {@code key << 2 | slot} over the present children in those slots that
         *         the filter admits, keys as {@link SearchPolicy#sortKey} clamped to
         *         {@code [0, KEY_LIMIT]}; {@link #NONE} if none
         */
        long leastChild(int node, int excluded, int slots, int origin);
    }
}
