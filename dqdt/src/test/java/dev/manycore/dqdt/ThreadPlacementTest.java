package dev.manycore.dqdt;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadPlacementTest {

    private final Topology tsar = Topology.tsar();

    @Test
    void fourThousandThreadsPlacedOneByOneGiveEveryTsarCoreFour() {
        Dqdt dqdt = Dqdt.of(tsar);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 4096; i++) {
            dqdt.placeThread(tsar.cluster(random.nextInt(tsar.clusterCount()))).orElseThrow();
            long[] range = loadRange(dqdt);
            assertTrue(range[1] - range[0] <= 1, "after " + (i + 1) + " threads: loads " + range[0] + " to " + range[1]);
        }
        for (CoreId core : coresOf(tsar)) {
            assertEquals(4, dqdt.threads(core), core + " holds four threads");
        }
    }

    @Test
    void sixteenConcurrentPlacersKeepEveryCoreWithinTwoThreads() throws Exception {
        Dqdt dqdt = Dqdt.of(tsar);
        int placers = 16;
        int perPlacer = 1024;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(placers);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int p = 0; p < placers; p++) {
                long seed = p;
                done.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    int placed = 0;
                    for (int i = 0; i < perPlacer; i++) {
                        dqdt.placeThread(tsar.cluster(random.nextInt(tsar.clusterCount()))).orElseThrow();
                        placed++;
                    }
                    return placed;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(2, TimeUnit.MINUTES);
            }
            assertEquals(placers * perPlacer, total);
        } finally {
            pool.shutdownNow();
        }
        long[] range = loadRange(dqdt);
        assertTrue(range[1] - range[0] <= 2, "loads " + range[0] + " to " + range[1]);
        dqdt.flush();
        assertEquals(placers * perPlacer, dqdt.indicators().threads(dqdt.shape().root()));
    }

    @Test
    void ringsGrowFromTheOriginCluster() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId origin = tsar.clusterAt(5, 6).orElseThrow();
        for (int i = 0; i < 4; i++) {
            CoreId core = dqdt.placeThread(origin).orElseThrow();
            assertEquals(origin, tsar.clusterOf(core), "own cluster first");
        }
        CoreId fifth = dqdt.placeThread(origin).orElseThrow();
        ClusterId next = tsar.clusterOf(fifth);
        assertNotEquals(origin, next);
        assertEquals(dqdt.shape().parent(origin.index()), dqdt.shape().parent(next.index()), "then the rest of its 2x2 block");
        assertEquals(1, tsar.distance(origin, next), "the nearest of the block first");
    }

    @Test
    void radiusZeroStaysInTheOriginClusterAndTakesItsLeastLoadedCore() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId origin = tsar.cluster(17);
        for (int i = 0; i < 9; i++) {
            assertEquals(origin, tsar.clusterOf(dqdt.placeThread(origin, 0).orElseThrow()));
        }
        long[] loads = new long[4];
        for (int k = 0; k < 4; k++) {
            loads[k] = dqdt.threads(tsar.coresOf(origin).get(k));
        }
        assertEquals(3, loads[0]);
        assertEquals(2, loads[1] + loads[2] + loads[3] - 4, "9 threads on 4 cores: 3, 2, 2, 2");
    }

    @Test
    void placeProcessSpreadsOneProcessPerClusterFromTheRoot() {
        Dqdt dqdt = Dqdt.of(tsar);
        for (int i = 0; i < tsar.clusterCount(); i++) {
            dqdt.placeProcess().orElseThrow();
        }
        for (ClusterId c : tsar.clusters()) {
            assertEquals(1, dqdt.threads(c), c + " got exactly one process");
        }
    }

    @Test
    void placeProcessRepeatsFromItsSeedAndVariesAcrossSeeds() {
        List<CoreId> a = processes(Dqdt.builder(tsar).seed(42).build());
        List<CoreId> b = processes(Dqdt.builder(tsar).seed(42).build());
        List<CoreId> c = processes(Dqdt.builder(tsar).seed(43).build());
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void placeProcessWithinARadiusStaysInThatSubtree() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId near = tsar.cluster(200);
        int subtree = dqdt.shape().ancestor(near.index(), 2);
        for (int i = 0; i < 40; i++) {
            CoreId core = dqdt.placeProcess(near, 2).orElseThrow();
            assertEquals(subtree, dqdt.shape().ancestor(tsar.clusterOf(core).index(), 2));
        }
    }

    @Test
    void migrationTargetIsTheNearestCoreTwoThreadsLighter() {
        Dqdt dqdt = Dqdt.of(tsar);
        CoreId busy = tsar.core(0);
        for (int i = 0; i < 3; i++) {
            dqdt.threadStarted(busy);
        }
        assertEquals(tsar.core(1), dqdt.migrationTarget(busy).orElseThrow(), "an idle core of the same cluster");
        for (int k = 1; k < 4; k++) {
            dqdt.threadStarted(tsar.core(k));
            dqdt.threadStarted(tsar.core(k));
        }
        assertTrue(dqdt.migrationTarget(busy, 0).isEmpty(), "no core of the cluster is two threads lighter");
        CoreId target = dqdt.migrationTarget(busy, 1).orElseThrow();
        assertEquals(1, tsar.distance(tsar.cluster(0), tsar.clusterOf(target)));
    }

    @Test
    void migrationTargetIsEmptyForACoreWithFewerThanTwoThreads() {
        Dqdt dqdt = Dqdt.of(tsar);
        dqdt.threadStarted(tsar.core(3));
        assertTrue(dqdt.migrationTarget(tsar.core(3)).isEmpty());
        assertTrue(dqdt.migrationTarget(tsar.core(4)).isEmpty());
    }

    @Test
    void heavilyLoadedMachineStillPlacesOnTheLeastLoadedCore() {
        Topology small = Topology.tsar(2, 2);
        Dqdt dqdt = Dqdt.of(small);
        for (int i = 0; i < 16 * 40; i++) {
            dqdt.placeThread(small.cluster(i % 4)).orElseThrow();
        }
        for (CoreId core : coresOf(small)) {
            assertEquals(40, dqdt.threads(core), "beyond the saturation levels the sums still balance");
        }
    }

    @Test
    void customPolicyRunsThroughTheRingSearch() {
        Dqdt dqdt = Dqdt.of(tsar);
        ClusterId origin = tsar.clusterAt(0, 0).orElseThrow();
        ClusterId target = tsar.clusterAt(3, 3).orElseThrow();
        dqdt.threadStarted(tsar.coresOf(target).getFirst());
        SearchPolicy busyCluster = new SearchPolicy() {
            @Override
            public boolean admits(Indicators v, int node) {
                return v.threads(node) > 0;
            }

            @Override
            public long sortKey(Indicators v, int node, int hops) {
                return hops;
            }

            @Override
            public int select(Indicators v, int leaf) {
                return v.threads(leaf) > 0 ? leaf : -1;
            }
        };
        assertEquals(target.index(), dqdt.search(origin, dqdt.maxRadius(), busyCluster).orElseThrow());
        assertTrue(dqdt.search(origin, 1, busyCluster).isEmpty(), "outside the radius");
    }

    private List<CoreId> processes(Dqdt dqdt) {
        List<CoreId> placed = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            placed.add(dqdt.placeProcess().orElseThrow());
        }
        return placed;
    }

    static List<CoreId> coresOf(Topology t) {
        List<CoreId> all = new ArrayList<>();
        for (int k = 0; k < t.coreCount(); k++) {
            all.add(t.core(k));
        }
        return all;
    }

    static long[] loadRange(Dqdt dqdt) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (CoreId core : coresOf(dqdt.topology())) {
            long load = dqdt.threads(core);
            min = Math.min(min, load);
            max = Math.max(max, load);
        }
        return new long[] {min, max};
    }
}
