package dev.manycore.dqdt;

import dev.manycore.dqdt.internal.TreeArrays;
import dev.manycore.dqdt.internal.TreeBuilder;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.function.IntFunction;

/**
 * The shape of a DQDT: which nodes exist, their levels, parents, children, subtree sizes and home
 * clusters (ALMOS {@code dqdt.c}, "DQDT shape" in {@code reference/almos-dqdt-notes.md}).
 *
 * <p>Nodes are dense {@code int} indexes, so that per-node tables are arrays and a traversal
 * allocates nothing. Leaves come first and leaf {@code i} is cluster {@code i}; then each level in
 * turn; the root is the last node ({@link #root()}). Every node has four child slots; a slot is
 * empty ({@code -1}) where the 2 x 2 block of a mesh is cut by its edge or by dead clusters, or where
 * a matrix group has fewer than four members.
 *
 * <p>On a mesh, slot {@code dx + 2 * dy} holds the child at offset {@code (dx, dy)} of the 2 x 2
 * block, and the grid halves (rounding up) at each level: 16 x 16 clusters give 5 levels. On a
 * distance-matrix topology, nearest nodes are grouped by fours (complete linkage on hops).
 *
 * <p>Immutable and safe to share between threads. Node-index arguments are validated and a bad one
 * throws {@link IllegalArgumentException} naming it.
 */
public final class DqdtShape {

    private final TreeArrays tree;

    private DqdtShape(TreeArrays tree) {
        this.tree = tree;
    }

    /**
     * Builds the shape for a topology; linear in the clusters of a mesh (a 64 x 64 mesh takes about a
     * millisecond once warm), quadratic per level on a distance-matrix topology.
     *
     * @param topology any topology
     * @return its shape
     */
    public static DqdtShape of(Topology topology) {
        if (topology == null) {
            throw new IllegalArgumentException("topology must not be null");
        }
        return new DqdtShape(TreeBuilder.build(topology));
    }

    /** @return the arrays behind this shape, for this module's implementation only */
    TreeArrays tree() {
        return tree;
    }

    /** @return the topology this tree covers */
    public Topology topology() {
        return tree.topology();
    }

    /** @return nodes, leaves included */
    public int nodeCount() {
        return tree.nodeCount();
    }

    /** @return levels, 1 for a single cluster; the root's level is {@code levelCount() - 1} */
    public int levelCount() {
        return tree.levelCount();
    }

    /** @return the root node */
    public int root() {
        return tree.root();
    }

    /**
     * @param level a level, 0 to {@link #levelCount()} - 1
     * @return the number of nodes at that level
     * @throws IllegalArgumentException if the level is out of range
     */
    public int nodesAt(int level) {
        checkLevel(level);
        return tree.levelStart()[level + 1] - tree.levelStart()[level];
    }

    /**
     * @param level a level, 0 to {@link #levelCount()} - 1
     * @return the first node of that level; its nodes are consecutive
     * @throws IllegalArgumentException if the level is out of range
     */
    public int firstNodeAt(int level) {
        checkLevel(level);
        return tree.levelStart()[level];
    }

    /**
     * @param cluster a cluster of the topology
     * @return its leaf node (equal to its index)
     * @throws IllegalArgumentException if the cluster is not in the topology
     */
    public int leaf(ClusterId cluster) {
        return checkCluster(cluster);
    }

    /**
     * @param node a node
     * @return true for a leaf (a cluster)
     */
    public boolean isLeaf(int node) {
        return tree.level()[checkNode(node)] == 0;
    }

    /**
     * @param leaf a leaf node
     * @return the cluster it stands for
     * @throws IllegalArgumentException if the node is not a leaf
     */
    public ClusterId cluster(int leaf) {
        if (!isLeaf(leaf)) {
            throw new IllegalArgumentException("node " + leaf + " is not a leaf: only leaves 0 to "
                    + (tree.leafCount() - 1) + " stand for clusters");
        }
        return tree.topology().cluster(leaf);
    }

    /**
     * @param node a node
     * @return its level, 0 for a leaf
     */
    public int level(int node) {
        return tree.level()[checkNode(node)];
    }

    /**
     * @param node a node
     * @return its parent, or {@code -1} for the root
     */
    public int parent(int node) {
        return tree.parent()[checkNode(node)];
    }

    /**
     * @param node a node
     * @return its slot (0 to 3) under its parent, or {@code -1} for the root
     */
    public int slotInParent(int node) {
        return tree.slot()[checkNode(node)];
    }

    /**
     * @param node a node
     * @param slot a child slot, 0 to 3
     * @return the child in that slot, or {@code -1} where absent (always for a leaf)
     * @throws IllegalArgumentException if the node or slot is out of range
     */
    public int child(int node, int slot) {
        checkNode(node);
        if (slot < 0 || slot >= TreeArrays.ARITY) {
            throw new IllegalArgumentException("child slot " + slot + " must be between 0 and 3");
        }
        return tree.children()[node * TreeArrays.ARITY + slot];
    }

    /**
     * @param node a node
     * @return its present children, 0 for a leaf, 1 to 4 otherwise
     */
    public int childCount(int node) {
        return tree.childCount()[checkNode(node)];
    }

    /**
     * @param node a node
     * @return the cores in its subtree
     */
    public int coreCount(int node) {
        return tree.cores()[checkNode(node)];
    }

    /**
     * @param node a node
     * @return the clusters (leaves) in its subtree
     */
    public int clusterCount(int node) {
        return tree.clusters()[checkNode(node)];
    }

    /**
     * @param node a node
     * @return the page frames in its subtree
     */
    public long pageCount(int node) {
        return tree.pages()[checkNode(node)];
    }

    /**
     * @param node a node
     * @return the cluster that hosts the node, a cluster of its subtree near the subtree's middle
     */
    public ClusterId home(int node) {
        return tree.topology().cluster(tree.home()[checkNode(node)]);
    }

    /**
     * @param node  a node
     * @param level a level from the node's own to the root's
     * @return the node's ancestor at that level (the node itself at its own level)
     * @throws IllegalArgumentException if the level is below the node's or above the root's
     */
    public int ancestor(int node, int level) {
        checkNode(node);
        if (level < tree.level()[node] || level >= tree.levelCount()) {
            throw new IllegalArgumentException("level " + level + " must be between the node's level "
                    + tree.level()[node] + " and the root's level " + (tree.levelCount() - 1));
        }
        return tree.ancestor(node, level);
    }

    /**
     * Hops from a cluster to the nearest cluster of a subtree, the distance the default policies sort
     * by: exact on a distance-matrix topology; on a mesh, the Manhattan distance to the bounding box of
     * the subtree's live clusters.
     *
     * @param from a cluster of the topology
     * @param node a node
     * @return hops, 0 when the cluster is in the subtree
     */
    public int hops(ClusterId from, int node) {
        return tree.hops(checkCluster(from), checkNode(node));
    }

    /**
     * A text picture: one line per node, indented by depth, from the root down to {@code lowestLevel}.
     *
     * @param lowestLevel the lowest level drawn, 0 (every leaf) to {@link #levelCount()} - 1
     * @return a multi-line picture
     * @throws IllegalArgumentException if the level is out of range
     */
    public String describe(int lowestLevel) {
        return describe(lowestLevel, node -> "");
    }

    /** The picture with a suffix per node line, for {@link Dqdt#describe(int)}. */
    String describe(int lowestLevel, IntFunction<String> suffix) {
        checkLevel(lowestLevel);
        StringBuilder out = new StringBuilder();
        out.append("DQDT over ").append(tree.topology().name()).append(": ").append(tree.levelCount())
           .append(tree.levelCount() == 1 ? " level, " : " levels, ").append(tree.nodeCount()).append(" nodes (");
        for (int l = tree.levelCount() - 1; l >= 0; l--) {
            out.append(nodesAt(l)).append(l > 0 ? " / " : "");
        }
        out.append(" per level from the root)\n");
        describe(out, tree.root(), lowestLevel, 0, suffix);
        return out.toString();
    }

    /** @return the picture of every node, leaves included; see {@link #describe(int)} */
    public String describe() {
        return describe(0);
    }

    private void describe(StringBuilder out, int node, int lowestLevel, int depth, IntFunction<String> suffix) {
        out.repeat("  ", depth).append('n').append(node).append(" L").append(tree.level()[node]);
        if (tree.level()[node] == 0) {
            out.append(' ').append(tree.topology().cluster(node));
            if (tree.meshBox() != null) {
                out.append(" (").append(tree.meshBox()[node * 4]).append(", ").append(tree.meshBox()[node * 4 + 2]).append(')');
            }
        } else {
            out.append(" children [");
            for (int s = 0; s < TreeArrays.ARITY; s++) {
                int c = tree.children()[node * TreeArrays.ARITY + s];
                out.append(s > 0 ? " " : "").append(c < 0 ? "-" : "n" + c);
            }
            out.append("] home ").append(tree.topology().cluster(tree.home()[node]))
               .append(", ").append(tree.clusters()[node]).append(" clusters");
        }
        out.append(", ").append(tree.cores()[node]).append(" cores").append(suffix.apply(node)).append('\n');
        if (tree.level()[node] > lowestLevel) {
            for (int s = 0; s < TreeArrays.ARITY; s++) {
                int c = tree.children()[node * TreeArrays.ARITY + s];
                if (c >= 0) {
                    describe(out, c, lowestLevel, depth + 1, suffix);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "DqdtShape[" + tree.topology().name() + ", " + tree.levelCount() + " levels, " + tree.nodeCount() + " nodes]";
    }

    // ---------------------------------------------------------------- checks

    int checkNode(int node) {
        if (node < 0 || node >= tree.nodeCount()) {
            throw new IllegalArgumentException("node " + node + " is out of range: this DQDT has nodes 0 to "
                    + (tree.nodeCount() - 1));
        }
        return node;
    }

    int checkCluster(ClusterId cluster) {
        if (cluster == null) {
            throw new IllegalArgumentException("cluster must not be null");
        }
        if (cluster.index() >= tree.leafCount()) {
            throw new IllegalArgumentException(cluster + " is not in topology '" + tree.topology().name()
                    + "', which has clusters 0 to " + (tree.leafCount() - 1) + ": is it an id of another topology?");
        }
        return cluster.index();
    }

    void checkLevel(int level) {
        if (level < 0 || level >= tree.levelCount()) {
            throw new IllegalArgumentException("level " + level + " must be between 0 and " + (tree.levelCount() - 1));
        }
    }
}
