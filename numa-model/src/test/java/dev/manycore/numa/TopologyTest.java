package dev.manycore.numa;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyTest {

    @Test
    void tsarPresetIs16By16MeshOf4CoreClusters() {
        Topology t = Topology.tsar();
        assertEquals(Topology.Kind.MESH, t.kind());
        assertEquals(256, t.clusterCount());
        assertEquals(1024, t.coreCount());
        assertEquals(16, t.meshWidth());
        assertEquals(16, t.meshHeight());
        assertEquals(30, t.diameter());
        assertEquals(Topology.DEFAULT_PAGES_PER_CLUSTER, t.pagesOf(t.cluster(0)));
        assertEquals(256L * Topology.DEFAULT_PAGES_PER_CLUSTER, t.totalPages());
        assertEquals(4096, t.pageSize());
    }

    @Test
    void tsarOfGivenSizeHasFourCoresPerCluster() {
        Topology t = Topology.tsar(3, 5);
        assertEquals(15, t.clusterCount());
        assertEquals(60, t.coreCount());
        assertEquals(3, t.meshWidth());
        assertEquals(5, t.meshHeight());
        for (ClusterId c : t.clusters()) {
            assertEquals(4, t.coresOf(c).size());
        }
    }

    @Test
    void meshClustersAreNumberedRowByRowWithTheirPositions() {
        Topology t = Topology.tsar(4, 3);
        assertEquals(new MeshPosition(0, 0), t.position(t.cluster(0)));
        assertEquals(new MeshPosition(3, 0), t.position(t.cluster(3)));
        assertEquals(new MeshPosition(1, 2), t.position(t.cluster(9)));
        assertEquals(Optional.of(t.cluster(9)), t.clusterAt(1, 2));
    }

    @Test
    void meshDistanceIsManhattanHops() {
        Topology t = Topology.tsar();
        ClusterId a = t.clusterAt(2, 3).orElseThrow();
        ClusterId b = t.clusterAt(7, 1).orElseThrow();
        assertEquals(7, t.distance(a, b));
        assertEquals(7, t.distance(b, a));
        assertEquals(0, t.distance(a, a));
        assertEquals(80, t.relativeDistance(a, b));
        assertEquals(10, t.relativeDistance(a, a));
    }

    @Test
    void coresAreNumberedClusterByCluster() {
        Topology t = Topology.mesh(2, 2).coresPerCluster(3).build();
        assertEquals(List.of(t.core(3), t.core(4), t.core(5)), t.coresOf(t.cluster(1)));
        assertEquals(t.cluster(1), t.clusterOf(t.core(5)));
        assertEquals(t.cluster(2), t.clusterOf(t.core(6)));
    }

    @Test
    void topologiesOfTheSameMachineAreEqualWhateverTheirName() {
        assertEquals(Topology.tsar(), Topology.mesh(16, 16).coresPerCluster(4).build());
        assertEquals(Topology.tsar().hashCode(), Topology.mesh(16, 16).coresPerCluster(4).build().hashCode());
        assertEquals(Topology.opteron64(), Topology.opteron64());
        assertNotEquals(Topology.tsar(4, 4), Topology.tsar(4, 3));
        assertNotEquals(Topology.tsar(2, 2), Topology.mesh(2, 2).without(3).build());
        assertNotEquals(Topology.tsar(2, 2), Topology.mesh(2, 2).pagesPerCluster(8).build());
        assertNotEquals(Topology.tsar(2, 2), Topology.mesh(2, 2).coresPerCluster(2).build());
        assertNotEquals(Topology.opteron64(), Topology.fromDistanceMatrix(new int[][] {{10}}, 8, 16_384));
    }

    @Test
    void idsAreCachedSoLookupsDoNotAllocate() {
        Topology t = Topology.tsar();
        assertSame(t.cluster(17), t.cluster(17));
        assertSame(t.core(500), t.core(500));
        assertSame(t.coresOf(t.cluster(3)), t.coresOf(t.cluster(3)));
        assertSame(t.cluster(5), t.clusterOf(t.core(21)));
    }

    @Test
    void deadClustersAreLeftOutAndIdsStayDense() {
        Topology t = Topology.mesh(3, 3).coresPerCluster(2).without(4, 0).build();
        assertEquals(7, t.clusterCount());
        assertEquals(14, t.coreCount());
        assertTrue(t.clusterAt(1, 1).isEmpty());
        assertTrue(t.clusterAt(0, 0).isEmpty());
        assertEquals(new MeshPosition(1, 0), t.position(t.cluster(0)));
        assertEquals(new MeshPosition(2, 1), t.position(t.cluster(3)));
        assertEquals(Optional.of(t.cluster(3)), t.clusterAt(2, 1));
        assertEquals(3, t.meshWidth());
        // distance stays Manhattan between live clusters: (1,0) to (2,2)
        assertEquals(3, t.distance(t.cluster(0), t.cluster(6)));
        assertTrue(t.name().contains("2 dead"), t.name());
    }

    @Test
    void builderSettingsReachTheTopology() {
        Topology t = Topology.mesh(2, 1).coresPerCluster(8).pagesPerCluster(1000).pageSize(8192).build();
        assertEquals(16, t.coreCount());
        assertEquals(1000, t.pagesOf(t.cluster(1)));
        assertEquals(2000L, t.totalPages());
        assertEquals(8192, t.pageSize());
    }

    @Test
    void largestMeshBuildsWithEveryCore() {
        Topology t = Topology.mesh(64, 64).coresPerCluster(64).build();
        assertEquals(4096, t.clusterCount());
        assertEquals(262_144, t.coreCount());
        assertEquals(126, t.diameter());
        ClusterId last = t.cluster(4095);
        assertEquals(last, t.clusterOf(t.core(262_143)));
        assertEquals(126, t.distance(t.cluster(0), last));
    }

    @Test
    void opteronHas8NodesOf8CoresAndThreeDistanceClasses() {
        Topology t = Topology.opteron64();
        assertEquals(Topology.Kind.MATRIX, t.kind());
        assertEquals(8, t.clusterCount());
        assertEquals(64, t.coreCount());
        assertEquals(0, t.distance(t.cluster(0), t.cluster(0)));
        assertEquals(1, t.distance(t.cluster(0), t.cluster(1)));
        assertEquals(2, t.distance(t.cluster(0), t.cluster(3)));
        assertEquals(22, t.relativeDistance(t.cluster(0), t.cluster(3)));
        assertEquals(2, t.diameter());
        assertFalse(t.isMesh());
    }

    @Test
    void distanceMatrixHopsAreRanksOfDistinctRemoteValues() {
        int[][] d = {
            {10, 20, 40},
            {20, 10, 30},
            {40, 30, 10},
        };
        Topology t = Topology.fromDistanceMatrix(d, 2, 100);
        assertEquals(6, t.coreCount());
        assertEquals(100, t.pagesOf(t.cluster(2)));
        assertEquals(1, t.distance(t.cluster(0), t.cluster(1)));
        assertEquals(2, t.distance(t.cluster(1), t.cluster(2)));
        assertEquals(3, t.distance(t.cluster(0), t.cluster(2)));
    }

    @Test
    void distanceMatrixIsCopiedSoLaterChangesDoNotLeakIn() {
        int[][] d = {{10, 20}, {20, 10}};
        Topology t = Topology.fromDistanceMatrix(d, 1, 1);
        d[0][1] = 99;
        d[1][0] = 99;
        assertEquals(20, t.relativeDistance(t.cluster(0), t.cluster(1)));
    }

    @Test
    void meshOnlyQueriesRefuseMatrixTopologies() {
        Topology t = Topology.opteron64();
        IllegalStateException e = assertThrows(IllegalStateException.class, t::meshWidth);
        assertTrue(e.getMessage().contains("needs a mesh"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.position(t.cluster(0)));
        assertThrows(IllegalStateException.class, () -> t.clusterAt(0, 0));
    }

    @Test
    void hostTopologyMapsEveryCoreToAHostCpu() {
        Topology t = Topology.host();
        assertTrue(t.isHost());
        assertTrue(t.clusterCount() >= 1);
        assertTrue(t.coreCount() >= 1);
        int previous = -1;
        for (int i = 0; i < t.coreCount(); i++) {
            int cpu = t.hostCpu(t.core(i));
            assertTrue(cpu >= 0, "cpu " + cpu);
            if (t.clusterCount() == 1) {
                assertTrue(cpu > previous, "host CPUs of one node are increasing");
                previous = cpu;
            }
        }
    }

    @Test
    void simulatedTopologyHasNoHostCpus() {
        Topology t = Topology.tsar(2, 2);
        assertFalse(t.isHost());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.hostCpu(t.core(0)));
        assertTrue(e.getMessage().contains("simulated"), e.getMessage());
    }

    @Test
    void describeDrawsMeshGridWithDeadClusters() {
        String picture = Topology.mesh(3, 2).coresPerCluster(4).without(4).build().describe();
        String[] lines = picture.split("\n");
        assertTrue(lines[0].contains("5 clusters, 20 cores"), lines[0]);
        assertEquals(List.of("y0", "4", "4", "4"), List.of(lines[2].trim().split("\\s+")));
        assertEquals(List.of("y1", "4", "--", "4"), List.of(lines[3].trim().split("\\s+")));
    }

    @Test
    void describeShowsTheDistanceTableOfMatrixTopologies() {
        String picture = Topology.opteron64().describe();
        assertTrue(picture.startsWith("opteron64: 8 clusters, 64 cores"), picture);
        assertTrue(picture.contains("     0      8   10   16   16   22   16   22   16   22"), picture);
        assertTrue(picture.contains("hops = rank"), picture);
    }
}
