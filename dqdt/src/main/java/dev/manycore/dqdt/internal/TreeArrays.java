package dev.manycore.dqdt.internal;

import dev.manycore.numa.Topology;

/**
 * The shape of a DQDT as a struct of arrays, indexed by node: ALMOS {@code dqdt.c} keeps one C
 * struct per node; here each attribute is one dense array so a traversal touches few cache lines
 * and a 64 x 64 mesh builds in a few allocations.
 *
 * <p>Node numbering: leaves first, leaf {@code i} is cluster {@code i}; then every level in turn,
 * so {@code levelStart[k]} is the first node of level {@code k} and the root is the last node.
 * Children sit in fixed slots 0..3 ({@code children[node * 4 + slot]}, {@code -1} where absent):
 * on a mesh slot {@code dx + 2 * dy} of the 2 x 2 block, on a matrix the order of grouping.
 *
 * <p>Immutable after construction and safely published through final fields: any thread may read it.
 *
 * @param topology     the topology the tree covers
 * @param nodeCount    leaves plus inner nodes
 * @param levelCount   levels, 1 for a single cluster
 * @param levelStart   first node of each level, plus {@code nodeCount} at the end
 * @param level        level of each node, 0 for leaves
 * @param parent       parent of each node, {@code -1} for the root
 * @param slot         slot of each node under its parent, {@code -1} for the root
 * @param children     four slots per node, {@code -1} where absent (always {@code -1} for leaves)
 * @param childCount   present children of each node
 * @param cores        cores in each subtree
 * @param clusters     clusters (leaves) in each subtree
 * @param pages        page frames in each subtree
 * @param home         the cluster that hosts each node (a cluster of its subtree)
 * @param meshBox      on a mesh, {@code minX, maxX, minY, maxY} of each subtree's live clusters; else null
 * @param matrixHops   on a matrix topology, {@code matrixHops[node * clusterCount + cluster]} is the
 *                     fewest hops from the cluster to any cluster of the subtree; else null
 * @param firstLeaf    smallest leaf of each subtree, for pictures
 * @param firstCore    first core index of each cluster, plus the core count at the end
 */
public record TreeArrays(Topology topology, int nodeCount, int levelCount, int[] levelStart, int[] level,
                         int[] parent, int[] slot, int[] children, int[] childCount, int[] cores,
                         int[] clusters, long[] pages, int[] home, int[] meshBox, byte[] matrixHops,
                         int[] firstLeaf, int[] firstCore) {

    /** Children slots per node: the tree is quaternary. */
    public static final int ARITY = 4;

    /** @return the root node, the last one */
    public int root() {
        return nodeCount - 1;
    }

    /** @return the number of leaves, one per cluster */
    public int leafCount() {
        return topology.clusterCount();
    }

    /**
     * Hops from a cluster to the nearest cluster of a subtree: exact on a matrix topology and for
     * leaves; on a mesh the Manhattan distance to the bounding box of the subtree's live clusters,
     * a lower bound that is exact unless dead clusters sit at the box's near edge.
     *
     * @param cluster a cluster index
     * @param node    a node index
     * @return hops, 0 when the cluster belongs to the subtree
     */
    public int hops(int cluster, int node) {
        if (meshBox != null) {
            int origin = cluster * 4;
            return boxHops(meshBox, node, meshBox[origin], meshBox[origin + 2]);
        }
        return matrixHops[node * topology.clusterCount() + cluster];
    }

    /**
     * @param meshBox the mesh boxes ({@link #meshBox()})
     * @param node    a node
     * @param x       a cluster's x
     * @param y       a cluster's y
     * @return the Manhattan distance from (x, y) to the node's box, 0 inside it
     */
    static int boxHops(int[] meshBox, int node, int x, int y) {
        int b = node * 4;
        return Math.max(0, Math.max(meshBox[b] - x, x - meshBox[b + 1]))
                + Math.max(0, Math.max(meshBox[b + 2] - y, y - meshBox[b + 3]));
    }

    /**
     * @param node  a node
     * @param level a level at or above the node's
     * @return the node's ancestor at that level (the node itself at its own level)
     */
    public int ancestor(int node, int level) {
        int n = node;
        while (this.level[n] < level) {
            n = parent[n];
        }
        return n;
    }
}
