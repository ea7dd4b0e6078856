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
 * <p>Down: at an inner node, the present children that the policy admits are sorted by the policy's
 * key (ties by slot) and tried in order, depth first; at a leaf the policy's select decides, and
 * {@code -1} backtracks. Each node is visited at most once per search, so a search takes at most
 * {@code nodeCount} steps; with fresh values it goes straight down, about {@code 4 x levels} reads.
 *
 * <p>Stateless and allocation-free (children are sorted in four local longs); any thread may call it.
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

    private static int descend(TreeArrays tree, Indicators view, int origin, int node, int excluded,
                               SearchPolicy policy) {
        if (tree.level()[node] == 0) {
            return policy.select(view, node);
        }
        int base = node * TreeArrays.ARITY;
        int[] children = tree.children();
        long k0 = key(tree, view, origin, children[base], excluded, 0, policy);
        long k1 = key(tree, view, origin, children[base + 1], excluded, 1, policy);
        long k2 = key(tree, view, origin, children[base + 2], excluded, 2, policy);
        long k3 = key(tree, view, origin, children[base + 3], excluded, 3, policy);
        // Sorting network for four keys.
        long t;
        if (k0 > k1) { t = k0; k0 = k1; k1 = t; }
        if (k2 > k3) { t = k2; k2 = k3; k3 = t; }
        if (k0 > k2) { t = k0; k0 = k2; k2 = t; }
        if (k1 > k3) { t = k1; k1 = k3; k3 = t; }
        if (k1 > k2) { t = k1; k1 = k2; k2 = t; }
        int found = tryChild(tree, view, origin, base, k0, policy);
        if (found != -1 || k0 == NONE) {
            return found;
        }
        found = tryChild(tree, view, origin, base, k1, policy);
        if (found != -1 || k1 == NONE) {
            return found;
        }
        found = tryChild(tree, view, origin, base, k2, policy);
        if (found != -1 || k2 == NONE) {
            return found;
        }
        return tryChild(tree, view, origin, base, k3, policy);
    }

    private static int tryChild(TreeArrays tree, Indicators view, int origin, int base, long key, SearchPolicy policy) {
        if (key == NONE) {
            return -1;
        }
        return descend(tree, view, origin, tree.children()[base + (int) (key & 3)], -1, policy);
    }

    private static long key(TreeArrays tree, Indicators view, int origin, int child, int excluded, int slot,
                            SearchPolicy policy) {
        if (child < 0 || child == excluded || !policy.admits(view, child)) {
            return NONE;
        }
        long k = policy.sortKey(view, child, tree.hops(origin, child));
        k = Math.max(0, Math.min(KEY_LIMIT, k));
        return k << 2 | slot;
    }
}
