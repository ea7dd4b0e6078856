package dev.manycore.dqdt;

/**
 * A DQDT decision as three small functions, ALMOS style ({@code dqdt.c}: the tree search is one
 * traversal parameterised by filter, sort and select): {@link #admits} decides whether the search
 * may enter a subtree, {@link #sortKey} orders the children it will try, {@link #select} makes the
 * final choice inside a cluster. The traversal is the expanding-ring search of
 * {@link Dqdt#search}: own cluster, then the rest of its 2 x 2 block, then the next level, never
 * searching a subtree twice.
 *
 * <p>A new policy is a few lines, for example "the nearest cluster with more than 1000 free pages":
 * <pre>{@code
 * SearchPolicy roomy = new SearchPolicy() {
 *     public boolean admits(Indicators v, int node) { return v.freePages(node) + v.pageSlack(node) > 1000; }
 *     public long sortKey(Indicators v, int node, int hops) { return hops; }
 *     public int select(Indicators v, int leaf) { return v.clusterFreePages(leaf) > 1000 ? leaf : -1; }
 * };
 * }</pre>
 *
 * <p><b>The three methods must not throw, must not block and must not update the DQDT</b>: they run
 * inside the traversal, concurrently with updates, on the caller's thread. They read stale values
 * (see {@link Indicators}); a filter that should never miss a fitting subtree uses the slack to
 * round in the subtree's favour, and lets the exact check in {@link #select} have the last word.
 */
public interface SearchPolicy {

    /**
     * The filter: may the search look inside this subtree? Called for the origin's ancestors on the
     * way up and for each child before it is sorted.
     *
     * @param view indicators to read
     * @param node the subtree's root
     * @return true to search inside it
     */
    boolean admits(Indicators view, int node);

    /**
     * The sort key: admitted children of a node are tried in increasing key order (ties: lower slot
     * first). Keys are clamped to {@code [0, 2^60)}.
     *
     * @param view indicators to read
     * @param node a child being sorted
     * @param hops hops from the origin cluster to the nearest cluster of that child
     * @return its key, smaller first
     */
    long sortKey(Indicators view, int node, int hops);

    /**
     * The final choice inside one cluster, on exact per-cluster and per-core values.
     *
     * @param view indicators to read
     * @param leaf the leaf (its index is the cluster's index)
     * @return a non-negative answer (a core or cluster index, as the policy defines), or {@code -1}
     *         when this cluster cannot serve, which resumes the search
     */
    int select(Indicators view, int leaf);
}
