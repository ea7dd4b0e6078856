package dev.manycore.dqdt.internal;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.MeshPosition;
import dev.manycore.numa.Topology;

import java.util.Arrays;

/**
 * Builds the shape of a DQDT from a topology (ALMOS {@code arch-dqdt.c}, "DQDT shape" in
 * {@code reference/almos-dqdt-notes.md}).
 *
 * <p>Mesh: level 0 is the grid of clusters; a level-k node groups the 2 x 2 block of level-(k-1)
 * cells at {@code (2x, 2y), (2x+1, 2y), (2x, 2y+1), (2x+1, 2y+1)} in slots 0..3. A grid side that is
 * odd leaves the last row or column of blocks half empty, and dead clusters leave holes: those
 * children are absent ({@code -1}), a node with no present child does not exist, and the grid halves
 * (rounding up) until it is 1 x 1. A 16 x 16 mesh gives 5 levels, 3 x 5 gives 4, 1 x 1 gives 1.
 *
 * <p>Matrix: ALMOS has no such case. Nodes of a level are grouped greedily by complete linkage:
 * the lowest ungrouped node seeds a group, which then takes, up to 4 members, the ungrouped node
 * whose largest hop count to the members so far is smallest (ties: smaller sum, then lower index).
 * Distances between inner nodes are taken between their home clusters.
 *
 * <p>Home: a leaf's home is its cluster; an inner node's home is the home of one of its children,
 * the one nearest the middle of the node's bounding box on a mesh, or the medoid of the children's
 * homes on a matrix topology, so a node lives near the clusters it summarises.
 *
 * <p>Cost: linear in clusters on a mesh (about 1.34 x clusters nodes); quadratic per level on a
 * matrix topology, which has at most {@value Topology#MAX_MATRIX_NODES} nodes. Not thread-safe; each
 * call builds a fresh, immutable {@link TreeArrays}.
 */
public final class TreeBuilder {

    private final Topology topology;
    private final int clusterCount;
    private int[] level;
    private int[] parent;
    private int[] slot;
    private int[] children;
    private int[] childCount;
    private int[] home;
    private int nodeCount;
    private int[] levelStart = new int[8];
    private int levelCount;

    private TreeBuilder(Topology topology) {
        this.topology = topology;
        this.clusterCount = topology.clusterCount();
        int capacity = clusterCount * 2 + 8;
        level = new int[capacity];
        parent = new int[capacity];
        slot = new int[capacity];
        children = new int[capacity * TreeArrays.ARITY];
        childCount = new int[capacity];
        home = new int[capacity];
        Arrays.fill(parent, -1);
        Arrays.fill(slot, -1);
        Arrays.fill(children, -1);
    }

    /**
     * @param topology any topology
     * @return its tree
     */
    public static TreeArrays build(Topology topology) {
        TreeBuilder b = new TreeBuilder(topology);
        for (int c = 0; c < b.clusterCount; c++) {
            b.home[c] = c;
        }
        b.nodeCount = b.clusterCount;
        b.startLevel(0);
        if (topology.isMesh()) {
            b.buildMesh();
        } else {
            b.buildMatrix();
        }
        return b.finish();
    }

    private void startLevel(int first) {
        if (levelCount + 1 >= levelStart.length) {
            levelStart = Arrays.copyOf(levelStart, levelStart.length * 2);
        }
        levelStart[levelCount++] = first;
    }

    private int newNode(int lvl) {
        int n = nodeCount++;
        level[n] = lvl;
        return n;
    }

    private void attach(int node, int childSlot, int child) {
        children[node * TreeArrays.ARITY + childSlot] = child;
        childCount[node]++;
        parent[child] = node;
        slot[child] = childSlot;
    }

    // ---------------------------------------------------------------- mesh

    private void buildMesh() {
        int w = topology.meshWidth();
        int h = topology.meshHeight();
        int[] grid = new int[w * h];
        Arrays.fill(grid, -1);
        for (int c = 0; c < clusterCount; c++) {
            MeshPosition p = topology.position(topology.cluster(c));
            grid[p.y() * w + p.x()] = c;
        }
        int lvl = 0;
        while (w > 1 || h > 1) {
            lvl++;
            int nw = (w + 1) / 2;
            int nh = (h + 1) / 2;
            int[] next = new int[nw * nh];
            Arrays.fill(next, -1);
            startLevel(nodeCount);
            for (int by = 0; by < nh; by++) {
                for (int bx = 0; bx < nw; bx++) {
                    int node = -1;
                    for (int s = 0; s < TreeArrays.ARITY; s++) {
                        int cx = 2 * bx + (s & 1);
                        int cy = 2 * by + (s >> 1);
                        if (cx >= w || cy >= h || grid[cy * w + cx] < 0) {
                            continue;
                        }
                        if (node < 0) {
                            node = newNode(lvl);
                        }
                        attach(node, s, grid[cy * w + cx]);
                    }
                    if (node >= 0) {
                        next[by * nw + bx] = node;
                    }
                }
            }
            grid = next;
            w = nw;
            h = nh;
        }
        levelStart[levelCount] = nodeCount;
    }

    // ---------------------------------------------------------------- matrix

    private void buildMatrix() {
        int first = 0;
        int count = clusterCount;
        int lvl = 0;
        while (count > 1) {
            lvl++;
            startLevel(nodeCount);
            boolean[] grouped = new boolean[count];
            for (int seed = 0; seed < count; seed++) {
                if (grouped[seed]) {
                    continue;
                }
                int node = newNode(lvl);
                int[] members = new int[TreeArrays.ARITY];
                int size = 0;
                members[size++] = first + seed;
                grouped[seed] = true;
                while (size < TreeArrays.ARITY) {
                    int best = -1;
                    int bestMax = Integer.MAX_VALUE;
                    int bestSum = Integer.MAX_VALUE;
                    for (int cand = seed + 1; cand < count; cand++) {
                        if (grouped[cand]) {
                            continue;
                        }
                        int max = 0;
                        int sum = 0;
                        for (int m = 0; m < size; m++) {
                            int d = clusterHops(home[first + cand], home[members[m]]);
                            max = Math.max(max, d);
                            sum += d;
                        }
                        if (max < bestMax || (max == bestMax && sum < bestSum)) {
                            best = cand;
                            bestMax = max;
                            bestSum = sum;
                        }
                    }
                    if (best < 0) {
                        break;
                    }
                    grouped[best] = true;
                    members[size++] = first + best;
                }
                for (int s = 0; s < size; s++) {
                    attach(node, s, members[s]);
                }
            }
            first = levelStart[levelCount - 1];
            count = nodeCount - first;
        }
        levelStart[levelCount] = nodeCount;
    }

    private int clusterHops(int a, int b) {
        return topology.distance(topology.cluster(a), topology.cluster(b));
    }

    // ---------------------------------------------------------------- derived arrays

    private TreeArrays finish() {
        int n = nodeCount;
        int[] cores = new int[n];
        int[] clusters = new int[n];
        long[] pages = new long[n];
        int[] firstLeaf = new int[n];
        int[] firstCore = new int[clusterCount + 1];
        int[] box = topology.isMesh() ? new int[n * 4] : null;
        for (int c = 0; c < clusterCount; c++) {
            ClusterId id = topology.cluster(c);
            cores[c] = topology.coresOf(id).size();
            firstCore[c] = topology.coresOf(id).getFirst().index();
            clusters[c] = 1;
            pages[c] = topology.pagesOf(id);
            firstLeaf[c] = c;
            if (box != null) {
                MeshPosition p = topology.position(id);
                box[c * 4] = p.x();
                box[c * 4 + 1] = p.x();
                box[c * 4 + 2] = p.y();
                box[c * 4 + 3] = p.y();
            }
        }
        for (int node = clusterCount; node < n; node++) {
            firstLeaf[node] = Integer.MAX_VALUE;
            if (box != null) {
                box[node * 4] = Integer.MAX_VALUE;
                box[node * 4 + 1] = Integer.MIN_VALUE;
                box[node * 4 + 2] = Integer.MAX_VALUE;
                box[node * 4 + 3] = Integer.MIN_VALUE;
            }
            for (int s = 0; s < TreeArrays.ARITY; s++) {
                int child = children[node * TreeArrays.ARITY + s];
                if (child < 0) {
                    continue;
                }
                cores[node] += cores[child];
                clusters[node] += clusters[child];
                pages[node] += pages[child];
                firstLeaf[node] = Math.min(firstLeaf[node], firstLeaf[child]);
                if (box != null) {
                    box[node * 4] = Math.min(box[node * 4], box[child * 4]);
                    box[node * 4 + 1] = Math.max(box[node * 4 + 1], box[child * 4 + 1]);
                    box[node * 4 + 2] = Math.min(box[node * 4 + 2], box[child * 4 + 2]);
                    box[node * 4 + 3] = Math.max(box[node * 4 + 3], box[child * 4 + 3]);
                }
            }
            home[node] = box != null ? meshHome(node, box) : matrixHome(node);
        }
        firstCore[clusterCount] = topology.coreCount();
        byte[] matrixHops = box == null ? matrixHops(n) : null;
        return new TreeArrays(topology, n, levelCount, Arrays.copyOf(levelStart, levelCount + 1),
                Arrays.copyOf(level, n), Arrays.copyOf(parent, n), Arrays.copyOf(slot, n),
                Arrays.copyOf(children, n * TreeArrays.ARITY), Arrays.copyOf(childCount, n), cores, clusters,
                pages, Arrays.copyOf(home, n), box, matrixHops, firstLeaf, firstCore);
    }

    /** The child's home nearest the middle of the node's box (doubled coordinates, no fractions). */
    private int meshHome(int node, int[] box) {
        int mx = box[node * 4] + box[node * 4 + 1];
        int my = box[node * 4 + 2] + box[node * 4 + 3];
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        for (int s = 0; s < TreeArrays.ARITY; s++) {
            int child = children[node * TreeArrays.ARITY + s];
            if (child < 0) {
                continue;
            }
            int h = home[child];
            int d = Math.abs(2 * box[h * 4] - mx) + Math.abs(2 * box[h * 4 + 2] - my);
            if (d < bestDistance) {
                best = h;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The medoid of the children's homes: smallest largest distance to the others, then smallest sum. */
    private int matrixHome(int node) {
        int best = -1;
        int bestMax = Integer.MAX_VALUE;
        int bestSum = Integer.MAX_VALUE;
        for (int s = 0; s < TreeArrays.ARITY; s++) {
            int a = children[node * TreeArrays.ARITY + s];
            if (a < 0) {
                continue;
            }
            int max = 0;
            int sum = 0;
            for (int t = 0; t < TreeArrays.ARITY; t++) {
                int b = children[node * TreeArrays.ARITY + t];
                if (b >= 0) {
                    int d = clusterHops(home[a], home[b]);
                    max = Math.max(max, d);
                    sum += d;
                }
            }
            if (max < bestMax || (max == bestMax && sum < bestSum)) {
                best = home[a];
                bestMax = max;
                bestSum = sum;
            }
        }
        return best;
    }

    /** Fewest hops from every cluster to every subtree, bottom-up; at most 1024 x 1366 bytes. */
    private byte[] matrixHops(int n) {
        byte[] hops = new byte[n * clusterCount];
        for (int leaf = 0; leaf < clusterCount; leaf++) {
            for (int c = 0; c < clusterCount; c++) {
                hops[leaf * clusterCount + c] = (byte) Math.min(Byte.MAX_VALUE, clusterHops(c, leaf));
            }
        }
        for (int node = clusterCount; node < n; node++) {
            Arrays.fill(hops, node * clusterCount, (node + 1) * clusterCount, Byte.MAX_VALUE);
            for (int s = 0; s < TreeArrays.ARITY; s++) {
                int child = children[node * TreeArrays.ARITY + s];
                if (child < 0) {
                    continue;
                }
                for (int c = 0; c < clusterCount; c++) {
                    int i = node * clusterCount + c;
                    hops[i] = (byte) Math.min(hops[i], hops[child * clusterCount + c]);
                }
            }
        }
        return hops;
    }
}
