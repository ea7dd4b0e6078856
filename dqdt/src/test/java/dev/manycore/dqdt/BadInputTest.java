package dev.manycore.dqdt;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rule on arguments throws IllegalArgumentException naming the value, and changes nothing. */
class BadInputTest {

    private final Topology tsar = Topology.tsar(4, 4);
    private final Dqdt dqdt = Dqdt.of(tsar);
    /** Ids of a larger topology: valid there, out of range here. */
    private final Topology other = Topology.tsar();
    private final ClusterId foreignCluster = other.cluster(200);
    private final CoreId foreignCore = other.core(900);
    private final ClusterId c0 = tsar.cluster(0);

    private static void rejects(String expectedInMessage, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' names " + expectedInMessage);
    }

    @Test
    void clusterOfAnotherTopologyIsRejectedByEveryCall() {
        String says = "cluster200 is not in topology 'tsar 4x4', which has clusters 0 to 15";
        rejects(says, () -> dqdt.placeThread(foreignCluster));
        rejects(says, () -> dqdt.placeProcess(foreignCluster, 0));
        rejects(says, () -> dqdt.findMemory(foreignCluster, 0, 1));
        rejects(says, () -> dqdt.freeBlocksChanged(foreignCluster, 0, 1));
        rejects(says, () -> dqdt.pagesAllocated(foreignCluster, 0));
        rejects(says, () -> dqdt.pagesFreed(foreignCluster, 0));
        rejects(says, () -> dqdt.freePages(foreignCluster));
        rejects(says, () -> dqdt.threads(foreignCluster));
        rejects(says, () -> dqdt.search(foreignCluster, 0, null));
        rejects(says, () -> dqdt.shape().leaf(foreignCluster));
        rejects(says, () -> dqdt.shape().hops(foreignCluster, 0));
    }

    @Test
    void coreOfAnotherTopologyIsRejectedByEveryCall() {
        String says = "core900 is not in topology 'tsar 4x4', which has cores 0 to 63";
        rejects(says, () -> dqdt.threadStarted(foreignCore));
        rejects(says, () -> dqdt.threadExited(foreignCore));
        rejects(says, () -> dqdt.threadMigrated(foreignCore, tsar.core(0)));
        rejects(says, () -> dqdt.threadMigrated(tsar.core(0), foreignCore));
        rejects(says, () -> dqdt.migrationTarget(foreignCore));
        rejects(says, () -> dqdt.threads(foreignCore));
        assertEquals(0, dqdt.indicators().threads(dqdt.shape().root()), "nothing was counted");
    }

    @Test
    void nullIdsAndPolicyAreRejected() {
        rejects("cluster must not be null", () -> dqdt.placeThread(null));
        rejects("core must not be null", () -> dqdt.threadStarted(null));
        rejects("policy must not be null", () -> dqdt.search(c0, 0, null));
        rejects("topology must not be null", () -> Dqdt.of(null));
        rejects("topology must not be null", () -> DqdtShape.of(null));
    }

    @Test
    void negativeOrderIsRejected() {
        String says = "order -1 is negative: buddy orders start at 0";
        rejects(says, () -> dqdt.findMemory(c0, -1, 1));
        rejects(says, () -> dqdt.freeBlocksChanged(c0, -1, 1));
        rejects(says, () -> dqdt.pagesAllocated(c0, -1));
        rejects(says, () -> dqdt.freeBlocks(c0, -1));
        rejects(says, () -> dqdt.indicators().freeBlocks(0, -1));
        rejects(says, () -> dqdt.indicators().freeBlocksAtLeast(0, -1));
    }

    @Test
    void orderAboveTheMaximumIsRejected() {
        String says = "order 11 is above the maximum buddy order 10";
        rejects(says, () -> dqdt.findMemory(c0, 11, 1));
        rejects(says, () -> dqdt.pagesFreed(c0, 11));
        rejects(says, () -> dqdt.freeBlocks(c0, 11));
        rejects(says, () -> dqdt.indicators().clusterFreeBlocks(0, 11));
        assertEquals(16384, dqdt.freePages(c0), "nothing was counted");
    }

    @Test
    void radiusOutOfRangeIsRejected() {
        String says = "must be between 0 (the origin's cluster) and 2 (the root's level)";
        rejects("radius 3 " + says, () -> dqdt.placeThread(c0, 3));
        rejects("radius -1 " + says, () -> dqdt.placeThread(c0, -1));
        rejects("radius 3 " + says, () -> dqdt.placeProcess(c0, 3));
        rejects("radius 7 " + says, () -> dqdt.findMemory(c0, 0, 1, 7));
        rejects("radius -2 " + says, () -> dqdt.migrationTarget(tsar.core(0), -2));
        rejects("radius 3 " + says, () -> dqdt.search(c0, 3, null));
        assertEquals(0, dqdt.threads(c0), "nothing was charged");
    }

    @Test
    void pageCountBelowOneIsRejected() {
        rejects("pages = 0 must be at least 1", () -> dqdt.findMemory(c0, 0, 0));
        rejects("pages = -5 must be at least 1", () -> dqdt.findMemory(c0, 0, -5));
    }

    @Test
    void nodeLevelSlotAndSaturationOutOfRangeAreRejected() {
        DqdtShape shape = dqdt.shape();
        rejects("node 21 is out of range: this DQDT has nodes 0 to 20", () -> shape.level(21));
        rejects("node -1 is out of range", () -> dqdt.indicators().threads(-1));
        rejects("child slot 4 must be between 0 and 3", () -> shape.child(20, 4));
        rejects("level 3 must be between 0 and 2", () -> shape.describe(3));
        rejects("level 3 must be between the node's level 0 and the root's level 2", () -> shape.ancestor(0, 3));
        rejects("node 20 is not a leaf", () -> shape.cluster(20));
        rejects("saturation level 17 must be between 1 and 16", () -> dqdt.indicators().coresWithAtLeast(0, 17));
        rejects("saturation level 0 must be between 1 and 16", () -> dqdt.indicators().coresWithAtLeast(0, 0));
        rejects("core index 64 must be between 0 and 63", () -> dqdt.indicators().coreThreads(64));
        rejects("cluster index 16 must be between 0 and 15", () -> dqdt.indicators().clusterFreePages(16));
    }

    @Test
    void builderSettingsOutOfRangeAreRejected() {
        Dqdt.Builder b = Dqdt.builder(tsar);
        rejects("count divisor 0 must be at least 1", () -> b.countDivisor(0));
        rejects("page divisor -3 must be at least 1", () -> b.pageDivisor(-3));
        rejects("memory watermark 1.0 must be at least 0 and below 1", () -> b.memoryWatermark(1.0));
        rejects("memory watermark -0.1 must be at least 0 and below 1", () -> b.memoryWatermark(-0.1));
        rejects("memory watermark NaN must be at least 0 and below 1", () -> b.memoryWatermark(Double.NaN));
    }
}
