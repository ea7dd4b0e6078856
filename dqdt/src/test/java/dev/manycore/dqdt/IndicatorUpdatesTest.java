package dev.manycore.dqdt;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndicatorUpdatesTest {

    private final Topology tsar = Topology.tsar();

    @Test
    void freshTreeHasEveryBankFreeInBlocksOfTheLargestOrder() {
        Dqdt dqdt = Dqdt.of(tsar);
        Indicators v = dqdt.indicators();
        int root = dqdt.shape().root();
        assertEquals(256L * 16384, v.freePages(root));
        assertEquals(256L * 16, v.freeBlocks(root, 10), "16384 pages are 16 blocks of 1024");
        assertEquals(0, v.freeBlocks(root, 9));
        assertEquals(16, dqdt.freeBlocks(tsar.cluster(7), 10));
        assertEquals(0, v.threads(root));
        assertEquals(0, v.busyCores(root));
    }

    @Test
    void oddBankSizeStartsAsItsBinaryDecomposition() {
        Topology t = Topology.mesh(2, 1).pagesPerCluster(1024 * 3 + 5).build();
        Dqdt dqdt = Dqdt.of(t);
        ClusterId c = t.cluster(1);
        assertEquals(3, dqdt.freeBlocks(c, 10));
        assertEquals(1, dqdt.freeBlocks(c, 2));
        assertEquals(1, dqdt.freeBlocks(c, 0));
        assertEquals(1024 * 3 + 5, dqdt.freePages(c));
    }

    @Test
    void emptyMemoryStartsWithNoFreePages() {
        Dqdt dqdt = Dqdt.builder(tsar).emptyMemory().build();
        assertEquals(0, dqdt.indicators().freePages(dqdt.shape().root()));
        dqdt.pagesFreed(tsar.cluster(3), 4);
        assertEquals(16, dqdt.freePages(tsar.cluster(3)));
    }

    @Test
    void threadEventsCountExactlyAtCoresClustersAndLowLevels() {
        Dqdt dqdt = Dqdt.of(tsar);
        Indicators v = dqdt.indicators();
        dqdt.threadStarted(tsar.core(5));
        dqdt.threadStarted(tsar.core(5));
        dqdt.threadStarted(tsar.core(6));
        assertEquals(2, dqdt.threads(tsar.core(5)));
        assertEquals(3, dqdt.threads(tsar.cluster(1)));
        assertEquals(3, v.threads(1), "a leaf passes every change to its parent");
        assertEquals(2, v.busyCores(1));
        assertEquals(1, v.coresWithAtLeast(1, 2));
        assertEquals(0, v.coresWithAtLeast(1, 3));
        int level2 = dqdt.shape().ancestor(1, 2);
        assertEquals(3, v.threads(level2), "64-core subtrees are exact with the default divisor");
        dqdt.threadExited(tsar.core(5));
        assertEquals(2, v.threads(1));
        assertEquals(2, v.busyCores(1));
        assertEquals(0, v.coresWithAtLeast(1, 2));
    }

    @Test
    void rootIsNotWrittenByEverySmallChange() {
        Dqdt dqdt = Dqdt.builder(tsar).countDivisor(1).build();
        Indicators v = dqdt.indicators();
        int root = dqdt.shape().root();
        int level1 = dqdt.shape().parent(0);
        long quantum = dqdt.countQuantum(level1);
        assertEquals(16, quantum, "a 16-core block passes changes on in steps of 16");
        dqdt.threadStarted(tsar.core(0));
        assertEquals(1, v.threads(0));
        assertTrue(v.threads(root) < 2, "one thread is not yet certain to be visible at the root");
        assertTrue(Math.abs(v.threads(root) - 1) <= v.threadSlack(root));
        dqdt.flush();
        assertEquals(1, v.threads(root));
    }

    @Test
    void exactPropagationMakesEveryNodeExactWithoutFlush() {
        Dqdt dqdt = Dqdt.builder(tsar).exactPropagation().build();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 3000; i++) {
            dqdt.threadStarted(tsar.core(random.nextInt(tsar.coreCount())));
        }
        for (int node = 0; node < dqdt.shape().nodeCount(); node++) {
            assertEquals(exactThreads(dqdt, node), dqdt.indicators().threads(node));
            assertEquals(0, dqdt.indicators().threadSlack(node));
        }
    }

    @Test
    void everyNodeStaysWithinItsSlackWithoutFlush() {
        Topology t = Topology.mesh(64, 64).coresPerCluster(4).build();
        Dqdt dqdt = Dqdt.of(t);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            int core = random.nextInt(t.coreCount());
            if (random.nextInt(3) > 0 || dqdt.threads(t.core(core)) == 0) {
                dqdt.threadStarted(t.core(core));
            } else {
                dqdt.threadExited(t.core(core));
            }
            if (i % 7 == 0) {
                dqdt.pagesAllocated(t.cluster(random.nextInt(t.clusterCount())), 10);
            }
        }
        Indicators v = dqdt.indicators();
        for (int node = 0; node < dqdt.shape().nodeCount(); node++) {
            long exact = exactThreads(dqdt, node);
            assertTrue(Math.abs(v.threads(node) - exact) <= v.threadSlack(node),
                    "node " + node + ": " + v.threads(node) + " vs exact " + exact + ", slack " + v.threadSlack(node));
            long pages = exactPages(dqdt, node);
            assertTrue(v.freePages(node) >= pages && v.freePages(node) - pages <= v.pageSlack(node),
                    "free pages are rounded up, within the slack");
            long busy = exactBusy(dqdt, node);
            assertTrue(v.busyCores(node) <= busy && busy - v.busyCores(node) <= v.saturationSlack(node),
                    "busy cores are rounded down, within the slack");
        }
        int root = dqdt.shape().root();
        assertTrue(v.threadSlack(root) <= 16384 / 10, "root slack under 10 % of its cores: " + v.threadSlack(root));
    }

    @Test
    void documentedSlackPerLevelOfTheLargestMesh() {
        Dqdt dqdt = Dqdt.of(Topology.mesh(64, 64).coresPerCluster(4).build());
        DqdtShape shape = dqdt.shape();
        long[] threads = {0, 0, 0, 8, 64, 384, 1536};
        long[] oneSided = {0, 0, 0, 12, 108, 684, 2736};
        for (int level = 0; level < shape.levelCount(); level++) {
            int node = shape.firstNodeAt(level);
            assertEquals(threads[level], dqdt.indicators().threadSlack(node), "level " + level);
            assertEquals(oneSided[level], dqdt.indicators().saturationSlack(node), "level " + level);
            assertEquals(oneSided[level], dqdt.indicators().blockSlack(node), "level " + level);
        }
    }

    @Test
    void buddySplitAndAllocationKeepPagesEqualToBlocks() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId c = tsar.cluster(0);
        dqdt.freeBlocksChanged(c, 10, -1);
        dqdt.freeBlocksChanged(c, 9, 2);
        assertEquals(16384, dqdt.freePages(c), "a split moves pages between orders");
        dqdt.pagesAllocated(c, 9);
        assertEquals(16384 - 512, dqdt.freePages(c));
        assertEquals(1, dqdt.freeBlocks(c, 9));
        dqdt.pagesFreed(c, 9);
        dqdt.freeBlocksChanged(c, 9, -2);
        dqdt.freeBlocksChanged(c, 10, 1);
        assertEquals(16, dqdt.freeBlocks(c, 10));
        dqdt.flush();
        assertEquals(256L * 16384, dqdt.indicators().freePages(dqdt.shape().root()));
    }

    @Test
    void exitWithoutThreadIsRefusedAndChangesNothing() {
        Dqdt dqdt = Dqdt.of(tsar);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dqdt.threadExited(tsar.core(9)));
        assertTrue(e.getMessage().contains("core9 has no thread to exit"), e.getMessage());
        assertEquals(0, dqdt.threads(tsar.core(9)));
        assertEquals(0, dqdt.indicators().busyCores(dqdt.shape().root()));
        assertEquals(0, dqdt.indicators().threads(dqdt.shape().root()));
    }

    @Test
    void losingBlocksThatAreNotThereIsRefusedAndChangesNothing() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId c = tsar.cluster(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dqdt.pagesAllocated(c, 3));
        assertTrue(e.getMessage().contains("cluster2 has 0 free blocks of order 3"), e.getMessage());
        assertEquals(0, dqdt.freeBlocks(c, 3));
        assertEquals(16384, dqdt.freePages(c));
    }

    @Test
    void migrationMovesTheThreadAndRefusesAnEmptySource() {
        Dqdt dqdt = Dqdt.of(tsar);
        dqdt.threadStarted(tsar.core(0));
        dqdt.threadMigrated(tsar.core(0), tsar.core(100));
        assertEquals(0, dqdt.threads(tsar.core(0)));
        assertEquals(1, dqdt.threads(tsar.core(100)));
        assertThrows(IllegalStateException.class, () -> dqdt.threadMigrated(tsar.core(0), tsar.core(1)));
        assertEquals(0, dqdt.threads(tsar.core(1)));
        dqdt.flush();
        assertEquals(1, dqdt.indicators().threads(dqdt.shape().root()));
    }

    @Test
    void pictureShowsLoads() {
        Dqdt dqdt = Dqdt.of(Topology.tsar(2, 2));
        dqdt.threadStarted(dqdt.topology().core(0));
        String picture = dqdt.describe(0);
        assertTrue(picture.contains("n4 L1 children [n0 n1 n2 n3]"), picture);
        assertTrue(picture.contains("| threads 1, busy 1, free pages 65536"), picture);
        assertTrue(picture.contains("n0 L0 cluster0 (0, 0), 4 cores | threads 1, busy 1, free pages 16384"), picture);
    }

    static long exactThreads(Dqdt dqdt, int node) {
        DqdtShape shape = dqdt.shape();
        long sum = 0;
        for (int leaf = 0; leaf < shape.nodesAt(0); leaf++) {
            if (shape.ancestor(leaf, shape.level(node)) == node) {
                sum += dqdt.threads(shape.cluster(leaf));
            }
        }
        return sum;
    }

    static long exactBusy(Dqdt dqdt, int node) {
        DqdtShape shape = dqdt.shape();
        long sum = 0;
        for (int leaf = 0; leaf < shape.nodesAt(0); leaf++) {
            if (shape.ancestor(leaf, shape.level(node)) == node) {
                for (var core : dqdt.topology().coresOf(shape.cluster(leaf))) {
                    sum += dqdt.threads(core) > 0 ? 1 : 0;
                }
            }
        }
        return sum;
    }

    static long exactPages(Dqdt dqdt, int node) {
        DqdtShape shape = dqdt.shape();
        long sum = 0;
        for (int leaf = 0; leaf < shape.nodesAt(0); leaf++) {
            if (shape.ancestor(leaf, shape.level(node)) == node) {
                sum += dqdt.freePages(shape.cluster(leaf));
            }
        }
        return sum;
    }
}
