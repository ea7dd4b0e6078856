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
 * the answer is always the depth-first search's. Each node is visited at most twice per search, so
 * a search takes at most {@code 2 x nodeCount} steps; with fresh values it goes straight down, about
 * {@code 4 x levels} reads and no recursion.
 *
 * <p>Stateless and allocation-free (the children's keys are four local longs); any thread may call it.
 */
public final class RingSearch {

    private static final long KEY_LIMIT = (1L << 60) - 1;
    private static final long NONE = Long.MAX_VALUE;

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
            int base = node * TreeArrays.ARITY;
            long least = Math.min(
                    Math.min(key(tree, view, origin, node, children[base], skip, 0, policy),
                            key(tree, view, origin, node, children[base + 1], skip, 1, policy)),
                    Math.min(key(tree, view, origin, node, children[base + 2], skip, 2, policy),
                            key(tree, view, origin, node, children[base + 3], skip, 3, policy)));
            if (least == NONE) {
                return node == top ? -1 : depthFirst(tree, view, origin, top, excluded, policy);
            }
            node = children[base + (int) (least & 3)];
            skip = -1;
        }
        int found = policy.select(view, node);
        return found != -1 || node == top ? found : depthFirst(tree, view, origin, top, excluded, policy);
    }

    private static int depthFirst(TreeArrays tree, Indicators view, int origin, int node, int excluded,
                                  SearchPolicy policy) {
        if (tree.level()[node] == 0) {
            return policy.select(view, node);
        }
        int base = node * TreeArrays.ARITY;
        int[] children = tree.children();
        long k0 = key(tree, view, origin, node, children[base], excluded, 0, policy);
        long k1 = key(tree, view, origin, node, children[base + 1], excluded, 1, policy);
        long k2 = key(tree, view, origin, node, children[base + 2], excluded, 2, policy);
        long k3 = key(tree, view, origin, node, children[base + 3], excluded, 3, policy);
        // Children in increasing key order: the least remaining key each time (keys are distinct, the
        // slot being their low bits).
        for (;;) {
            long least = Math.min(Math.min(k0, k1), Math.min(k2, k3));
            if (least == NONE) {
                return -1;
            }
            int s = (int) (least & 3);
            int found = depthFirst(tree, view, origin, children[base + s], -1, policy);
            if (found != -1) {
                return found;
            }
            k0 = s == 0 ? NONE : k0;
            k1 = s == 1 ? NONE : k1;
            k2 = s == 2 ? NONE : k2;
            k3 = s == 3 ? NONE : k3;
        }
    }

    private static long key(TreeArrays tree, Indicators view, int origin, int parent, int child, int excluded, int slot,
                            SearchPolicy policy) {
        if (child < 0 || child == excluded) {
            return NONE;
        }
        long k;
        if (policy instanceof ChildKey rows) {
            // The built-in policies read the child's counters from the parent's row directly.
            k = rows.childKey(parent, slot, child, origin);
            if (k < 0) {
                return NONE;
            }
        } else {
            if (!policy.admits(view, child)) {
                return NONE;
            }
            k = policy.sortKey(view, child, tree.hops(origin, child));
        }
        k = Math.max(0, Math.min(KEY_LIMIT, k));
        return k << 2 | slot;
    }

    /**
     * The filter and the sort key in one call, for policies of this package that read a child's
     * counters from its parent's row (where they are stored) instead of looking the parent up.
     */
    interface ChildKey {
        /**
         * @param parent the node being searched
         * @param slot   the child's slot in it
         * @param child  the child
         * @param origin the origin cluster, for hops
         * @return the child's sort key (as {@link SearchPolicy#sortKey}), or {@code -1} when the
         *         filter rejects it
         */
        long childKey(int parent, int slot, int child, int origin);
    }
}
