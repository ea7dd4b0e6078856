package dev.manycore.dqdt;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryDecisionTest {

    private final Topology tsar = Topology.tsar();

    private static void drain(Dqdt dqdt, ClusterId c) {
        for (int o = 0; o <= Indicators.MAX_ORDER; o++) {
            while (dqdt.freeBlocks(c, o) > 0) {
                dqdt.pagesAllocated(c, o);
            }
        }
    }

    @Test
    void ownClusterServesWhileItHasMemory() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId origin = tsar.cluster(77);
        assertEquals(origin, dqdt.findMemory(origin, 10, 1024).orElseThrow());
    }

    @Test
    void drainedClusterSendsTheRequestToTheNearestBlockNeighbour() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId origin = tsar.clusterAt(4, 4).orElseThrow();
        drain(dqdt, origin);
        ClusterId found = dqdt.findMemory(origin, 0, 1).orElseThrow();
        assertEquals(1, tsar.distance(origin, found));
        assertEquals(dqdt.shape().parent(origin.index()), dqdt.shape().parent(found.index()));
    }

    @Test
    void largeOrderSkipsClustersThatOnlyHaveSmallBlocks() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId origin = tsar.clusterAt(0, 0).orElseThrow();
        int block = dqdt.shape().parent(origin.index());
        for (int s = 0; s < 4; s++) {
            ClusterId c = dqdt.shape().cluster(dqdt.shape().child(block, s));
            // Split every order-10 block into order-9 blocks: same free pages, no order-10 block.
            while (dqdt.freeBlocks(c, 10) > 0) {
                dqdt.freeBlocksChanged(c, 10, -1);
                dqdt.freeBlocksChanged(c, 9, 2);
            }
        }
        assertEquals(origin, dqdt.findMemory(origin, 9, 512).orElseThrow());
        ClusterId found = dqdt.findMemory(origin, 10, 1024).orElseThrow();
        assertTrue(dqdt.freeBlocks(found, 10) > 0);
        assertEquals(2, tsar.distance(origin, found), "the nearest cluster outside the split block");
    }

    @Test
    void watermarkKeepsTheLastFifteenPercent() {
        Dqdt dqdt = Dqdt.builder(tsar).memoryWatermark(0.15).build();
        ClusterId origin = tsar.cluster(0);
        assertEquals(2457, dqdt.watermark(origin), "15 % of 16384 pages");
        for (int i = 0; i < 13; i++) {
            dqdt.pagesAllocated(origin, 10);
        }
        assertEquals(3 * 1024, dqdt.freePages(origin));
        assertEquals(origin, dqdt.findMemory(origin, 0, 3072 - 2457).orElseThrow(), "exactly down to the watermark");
        assertTrue(!dqdt.findMemory(origin, 0, 3072 - 2457 + 1).orElseThrow().equals(origin), "one page more breaks it");
    }

    @Test
    void radiusZeroWithADrainedClusterFindsNothing() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId origin = tsar.cluster(5);
        drain(dqdt, origin);
        assertTrue(dqdt.findMemory(origin, 0, 1, 0).isEmpty());
        assertTrue(dqdt.findMemory(origin, 0, 1, 1).isPresent());
    }

    @Test
    void machineWithNoFreeMemoryFindsNothing() {
        Dqdt dqdt = Dqdt.builder(Topology.tsar(2, 2)).emptyMemory().build();
        assertTrue(dqdt.findMemory(dqdt.topology().cluster(0), 0, 1).isEmpty());
    }

    @Test
    void opteronFindsTheNearestNodeByTheDistanceTable() {
        Topology t = Topology.opteron64();
        Dqdt dqdt = Dqdt.of(t);
        ClusterId origin = t.cluster(0);
        drain(dqdt, origin);
        ClusterId found = dqdt.findMemory(origin, 0, 1).orElseThrow();
        assertEquals(1, t.distance(origin, found), "a node one HyperTransport hop away");
    }
}
