package dev.manycore.dqdt;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Decisions run while other threads update: nothing throws, and once everyone has finished and
 * undone its own work, a flush finds every counter back where it started.
 */
class ConcurrentUseTest {

    @Test
    void decisionsAndUpdatesRaceWithoutErrorsAndLeaveExactCounts() throws Exception {
        Topology t = Topology.mesh(8, 8).coresPerCluster(4).without(9, 27).build();
        Dqdt dqdt = Dqdt.builder(t).countDivisor(2).pageDivisor(8).build();
        int workers = 6;
        int rounds = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                long seed = w;
                boolean decider = w % 2 == 0;
                Callable<Integer> work = () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    int decisions = 0;
                    for (int i = 0; i < rounds; i++) {
                        ClusterId c = t.cluster(random.nextInt(t.clusterCount()));
                        CoreId k = t.core(random.nextInt(t.coreCount()));
                        int radius = random.nextInt(dqdt.maxRadius() + 1);
                        if (decider) {
                            CoreId placed = dqdt.placeThread(c, radius).orElseThrow();
                            dqdt.findMemory(c, random.nextInt(11), 1 + random.nextInt(64), radius);
                            dqdt.migrationTarget(placed, radius);
                            CoreId process = dqdt.placeProcess(c, radius).orElseThrow();
                            dqdt.threadExited(process);
                            dqdt.threadExited(placed);
                            decisions += 4;
                        } else {
                            dqdt.threadStarted(k);
                            int order = random.nextInt(11);
                            dqdt.pagesFreed(c, order);
                            dqdt.pagesAllocated(c, order);
                            dqdt.threadExited(k);
                        }
                    }
                    return decisions;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            int decisions = 0;
            for (Future<Integer> f : results) {
                decisions += f.get(2, TimeUnit.MINUTES);
            }
            assertEquals(3 * rounds * 4, decisions);
        } finally {
            pool.shutdownNow();
        }
        dqdt.flush();
        Indicators v = dqdt.indicators();
        int root = dqdt.shape().root();
        assertEquals(0, v.threads(root));
        assertEquals(0, v.busyCores(root));
        assertEquals(t.totalPages(), v.freePages(root));
        for (ClusterId c : t.clusters()) {
            assertEquals(16, dqdt.freeBlocks(c, 10), c + " has its blocks back");
        }
    }
}
