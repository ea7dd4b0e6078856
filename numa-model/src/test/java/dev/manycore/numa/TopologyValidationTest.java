package dev.manycore.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every invalid argument throws IllegalArgumentException whose message names the value and the rule. */
class TopologyValidationTest {

    private static void refused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void meshSideZeroOrNegativeIsRefused() {
        refused(() -> Topology.mesh(0, 4), "mesh width x = 0", "between 1 and 64");
        refused(() -> Topology.mesh(4, -2), "mesh height y = -2", "between 1 and 64");
        refused(() -> Topology.tsar(0, 1), "mesh width x = 0");
    }

    @Test
    void meshOverTheLimitIsRefused() {
        refused(() -> Topology.mesh(65, 1), "mesh width x = 65", "between 1 and 64");
        refused(() -> Topology.tsar(1, 100), "mesh height y = 100");
    }

    @Test
    void coresPerClusterOutOfRangeIsRefused() {
        refused(() -> Topology.mesh(2, 2).coresPerCluster(0), "coresPerCluster = 0", "between 1 and 256");
        refused(() -> Topology.mesh(2, 2).coresPerCluster(257), "coresPerCluster = 257");
    }

    @Test
    void pagesPerClusterZeroOrNegativeIsRefused() {
        refused(() -> Topology.mesh(2, 2).pagesPerCluster(0), "pagesPerCluster = 0", "at least 1");
        refused(() -> Topology.mesh(2, 2).pagesPerCluster(-5), "pagesPerCluster = -5");
    }

    @Test
    void pageSizeOutOfRangeOrNotPowerOfTwoIsRefused() {
        refused(() -> Topology.mesh(2, 2).pageSize(0), "pageSize = 0");
        refused(() -> Topology.mesh(2, 2).pageSize(256), "pageSize = 256", "between 512");
        refused(() -> Topology.mesh(2, 2).pageSize(6000), "pageSize 6000 is not a power of two");
    }

    @Test
    void deadClusterOutsideTheMeshIsRefused() {
        refused(() -> Topology.mesh(2, 2).without(4), "dead cluster index = 4", "between 0 and 3");
        refused(() -> Topology.mesh(2, 2).without(-1), "dead cluster index = -1");
    }

    @Test
    void meshWithEveryClusterDeadIsRefused() {
        refused(() -> Topology.mesh(2, 1).without(0, 1).build(), "every cluster", "dead");
    }

    @Test
    void builderStaysUsableAfterARefusal() {
        Topology.MeshBuilder b = Topology.mesh(2, 2);
        assertThrows(IllegalArgumentException.class, () -> b.coresPerCluster(0));
        assertEquals(4 * 4, b.build().coreCount());
    }

    @Test
    void emptyDistanceMatrixIsRefused() {
        refused(() -> Topology.fromDistanceMatrix(new int[0][], 1, 1), "empty");
        refused(() -> Topology.fromDistanceMatrix(null, 1, 1), "empty");
    }

    @Test
    void nonSquareDistanceMatrixIsRefused() {
        refused(() -> Topology.fromDistanceMatrix(new int[][] {{10, 20}, {20}}, 1, 1),
                "not square", "row 1 has 1 entries, expected 2");
    }

    @Test
    void asymmetricDistanceMatrixIsRefused() {
        refused(() -> Topology.fromDistanceMatrix(new int[][] {{10, 20}, {21, 10}}, 1, 1),
                "not symmetric", "[0][1] = 20", "[1][0] = 21");
    }

    @Test
    void diagonalNotSmallestInItsRowIsRefused() {
        refused(() -> Topology.fromDistanceMatrix(new int[][] {{10, 10}, {10, 10}}, 1, 1),
                "[0][1] = 10", "not larger than the diagonal");
        refused(() -> Topology.fromDistanceMatrix(new int[][] {{30, 20}, {20, 10}}, 1, 1),
                "[0][1] = 20", "diagonal [0][0] = 30");
    }

    @Test
    void negativeDistanceIsRefused() {
        refused(() -> Topology.fromDistanceMatrix(new int[][] {{-1}}, 1, 1), "[0][0] = -1", "negative");
    }

    @Test
    void distanceMatrixNodeSizesAreChecked() {
        int[][] d = {{10}};
        refused(() -> Topology.fromDistanceMatrix(d, 0, 1), "coresPerNode = 0");
        refused(() -> Topology.fromDistanceMatrix(d, 1, 0), "pagesPerNode = 0");
        refused(() -> Topology.fromDistanceMatrix(new int[1025][1025], 1, 1), "distance matrix size = 1025");
    }

    @Test
    void indexesOutOfRangeAreRefused() {
        Topology t = Topology.tsar(2, 2);
        refused(() -> t.cluster(4), "cluster index 4 is out of range", "clusters 0 to 3");
        refused(() -> t.core(16), "core index 16 is out of range", "cores 0 to 15");
        refused(() -> t.cluster(-1), "cluster index -1 is negative");
        refused(() -> t.distance(t.cluster(0), new ClusterId(9)), "cluster index 9");
        refused(() -> t.coresOf(new ClusterId(4)), "cluster index 4");
        refused(() -> t.clusterOf(new CoreId(99)), "core index 99");
        refused(() -> t.pagesOf(new ClusterId(4)), "cluster index 4");
        refused(() -> t.clusterAt(2, 0), "x = 2", "between 0 and 1");
    }

    @Test
    void negativeIdsAreRefused() {
        refused(() -> new ClusterId(-3), "cluster index -3 is negative");
        refused(() -> new CoreId(-1), "core index -1 is negative");
        refused(() -> new MeshPosition(-1, 0), "negative");
    }
}
