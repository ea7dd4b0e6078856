package dev.manycore.dqdt;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DqdtShapeTest {

    /** Structural invariants every shape must satisfy. */
    static void assertWellFormed(DqdtShape shape) {
        Topology t = shape.topology();
        assertEquals(t.clusterCount(), shape.nodesAt(0), "one leaf per cluster");
        assertEquals(shape.nodeCount() - 1, shape.root());
        assertEquals(1, shape.nodesAt(shape.levelCount() - 1), "one root");
        assertEquals(-1, shape.parent(shape.root()));
        assertEquals(t.coreCount(), shape.coreCount(shape.root()));
        assertEquals(t.clusterCount(), shape.clusterCount(shape.root()));
        assertEquals(t.totalPages(), shape.pageCount(shape.root()));
        for (int node = 0; node < shape.nodeCount(); node++) {
            int level = shape.level(node);
            assertTrue(node >= shape.firstNodeAt(level) && node < shape.firstNodeAt(level) + shape.nodesAt(level));
            if (node != shape.root()) {
                int p = shape.parent(node);
                assertEquals(level + 1, shape.level(p), "parent one level up");
                assertEquals(node, shape.child(p, shape.slotInParent(node)), "child slot agrees with parent");
            }
            if (level == 0) {
                assertEquals(0, shape.childCount(node));
                assertEquals(t.coresOf(shape.cluster(node)).size(), shape.coreCount(node));
                assertEquals(shape.cluster(node), shape.home(node));
                continue;
            }
            int present = 0;
            int cores = 0;
            int clusters = 0;
            for (int s = 0; s < 4; s++) {
                int c = shape.child(node, s);
                if (c >= 0) {
                    present++;
                    cores += shape.coreCount(c);
                    clusters += shape.clusterCount(c);
                }
            }
            assertTrue(present >= 1 && present <= 4, "node " + node + " has 1 to 4 children");
            assertEquals(present, shape.childCount(node));
            assertEquals(cores, shape.coreCount(node), "subtree cores are the children's sum");
            assertEquals(clusters, shape.clusterCount(node));
            int home = shape.leaf(shape.home(node));
            assertEquals(node, shape.ancestor(home, level), "a node's home lies in its subtree");
            assertEquals(0, shape.hops(shape.home(node), node));
        }
    }

    @Test
    void singleClusterIsOneLeafThatIsTheRoot() {
        DqdtShape shape = DqdtShape.of(Topology.tsar(1, 1));
        assertWellFormed(shape);
        assertEquals(1, shape.levelCount());
        assertEquals(1, shape.nodeCount());
        assertEquals(0, shape.root());
        assertTrue(shape.isLeaf(0));
        assertEquals(4, shape.coreCount(0));
    }

    @Test
    void twoByTwoMeshIsOneBlockUnderTheRoot() {
        DqdtShape shape = DqdtShape.of(Topology.tsar(2, 2));
        assertWellFormed(shape);
        assertEquals(2, shape.levelCount());
        assertEquals(5, shape.nodeCount());
        for (int s = 0; s < 4; s++) {
            assertEquals(s, shape.child(4, s), "slot dx + 2 dy holds cluster (dx, dy)");
        }
        assertEquals(16, shape.coreCount(4));
    }

    @Test
    void threeByFiveMeshIsPaddedWithAbsentChildren() {
        DqdtShape shape = DqdtShape.of(Topology.tsar(3, 5));
        assertWellFormed(shape);
        assertEquals(4, shape.levelCount(), "3x5 -> 2x3 -> 1x2 -> 1x1");
        assertEquals(15, shape.nodesAt(0));
        assertEquals(6, shape.nodesAt(1));
        assertEquals(2, shape.nodesAt(2));
        assertEquals(1, shape.nodesAt(3));
        assertEquals(24, shape.nodeCount());
        // The block at column 1, row 2 of level 1 covers only cluster (2, 4).
        int corner = shape.parent(shape.leaf(Topology.tsar(3, 5).clusterAt(2, 4).orElseThrow()));
        assertEquals(1, shape.childCount(corner));
        assertEquals(4, shape.coreCount(corner));
        assertEquals(2, shape.childCount(shape.root()), "the root's right column is outside the mesh");
        assertEquals(-1, shape.child(shape.root(), 1));
        assertEquals(-1, shape.child(shape.root(), 3));
    }

    @Test
    void sixteenBySixteenMeshHasFiveLevelsAsInAlmos() {
        DqdtShape shape = DqdtShape.of(Topology.tsar());
        assertWellFormed(shape);
        assertEquals(5, shape.levelCount());
        assertEquals(256 + 64 + 16 + 4 + 1, shape.nodeCount());
        for (int node = 256; node < shape.nodeCount(); node++) {
            assertEquals(4, shape.childCount(node), "a power-of-two mesh is a full tree");
        }
        assertEquals(1024, shape.coreCount(shape.root()));
    }

    @Test
    void sixtyFourBySixtyFourMeshHasSevenLevels() {
        DqdtShape shape = DqdtShape.of(Topology.mesh(64, 64).coresPerCluster(4).build());
        assertWellFormed(shape);
        assertEquals(7, shape.levelCount());
        assertEquals(4096 + 1024 + 256 + 64 + 16 + 4 + 1, shape.nodeCount());
        assertEquals(16384, shape.coreCount(shape.root()));
    }

    @Test
    void deadClustersAreAbsentChildrenAndNotCounted() {
        // 4 x 4 mesh: the whole top-right block (x 2..3, y 0..1) is dead, and cluster (0, 3) too.
        Topology t = Topology.mesh(4, 4).coresPerCluster(2).without(2, 3, 6, 7, 12).build();
        DqdtShape shape = DqdtShape.of(t);
        assertWellFormed(shape);
        assertEquals(11, shape.nodesAt(0));
        assertEquals(3, shape.nodesAt(1), "a block with no live cluster has no node");
        assertEquals(3, shape.childCount(shape.root()));
        assertEquals(-1, shape.child(shape.root(), 1), "the dead block's slot is empty");
        int bottomLeft = shape.child(shape.root(), 2);
        assertEquals(3, shape.childCount(bottomLeft));
        assertEquals(6, shape.coreCount(bottomLeft));
        assertEquals(22, shape.coreCount(shape.root()));
    }

    @Test
    void opteronGroupsNearestNodesByFour() {
        Topology t = Topology.opteron64();
        DqdtShape shape = DqdtShape.of(t);
        assertWellFormed(shape);
        assertEquals(3, shape.levelCount());
        assertEquals(8 + 2 + 1, shape.nodeCount());
        Set<Integer> seen = new HashSet<>();
        for (int group = 8; group < 10; group++) {
            assertEquals(4, shape.childCount(group));
            assertEquals(32, shape.coreCount(group));
            for (int s = 0; s < 4; s++) {
                seen.add(shape.child(group, s));
            }
        }
        assertEquals(8, seen.size(), "every node in exactly one group");
        // Node 0's group holds its nearest neighbour at one hop.
        int group0 = shape.parent(0);
        int atOneHop = 0;
        for (int s = 1; s < 4; s++) {
            atOneHop += t.distance(t.cluster(0), t.cluster(shape.child(group0, s))) == 1 ? 1 : 0;
        }
        assertTrue(atOneHop >= 1);
        assertEquals(0, shape.hops(t.cluster(0), group0));
    }

    @Test
    void largeDistanceMatrixBuildsAShallowTreeOfArityFour() {
        int n = 100;
        int[][] d = new int[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                d[a][b] = a == b ? 10 : 10 + 5 * Math.abs(a / 10 - b / 10) + 3;
            }
        }
        DqdtShape shape = DqdtShape.of(Topology.fromDistanceMatrix(d, 2, 64));
        assertWellFormed(shape);
        assertEquals(5, shape.levelCount(), "100 -> 25 -> 7 -> 2 -> 1");
    }

    @Test
    void meshHopsToASubtreeAreTheDistanceToItsBox() {
        Topology t = Topology.tsar(4, 4);
        DqdtShape shape = DqdtShape.of(t);
        ClusterId origin = t.clusterAt(0, 0).orElseThrow();
        int farBlock = shape.parent(shape.leaf(t.clusterAt(3, 3).orElseThrow()));
        assertEquals(4, shape.hops(origin, farBlock), "(0,0) to the box x 2..3, y 2..3");
        assertEquals(0, shape.hops(origin, shape.root()));
    }

    @Test
    void pictureShowsEveryNodeDownToTheRequestedLevel() {
        DqdtShape shape = DqdtShape.of(Topology.tsar(2, 2));
        String all = shape.describe();
        assertTrue(all.startsWith("DQDT over tsar 2x2: 2 levels, 5 nodes"), all);
        assertTrue(all.contains("n4 L1 children [n0 n1 n2 n3] home cluster"), all);
        assertTrue(all.contains("  n3 L0 cluster3 (1, 1), 4 cores"), all);
        assertEquals(2, shape.describe(1).lines().count(), "header and root only");
    }
}
