package dev.manycore.benchmarks.pages;

import dev.manycore.fleets.pages.DoubleFreeException;
import dev.manycore.fleets.pages.OutOfPagesException;
import dev.manycore.fleets.pages.PageOwnershipException;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lock-based baselines hand out every page once, fall back to the nearest bank, and conserve pages. */
class BaselinePageAllocatorsTest {

    /** A 2 x 2 mesh, 100 pages per bank: cluster 0's neighbours are 1 and 2 (1 hop), then 3 (2 hops). */
    private static Topology small() {
        return Topology.mesh(2, 2).coresPerCluster(1).pagesPerCluster(100).build();
    }

    @Test
    void globalLockAllocatesAtHomeThenInTheNearestBanks() {
        Topology t = small();
        GlobalLockPageAllocator a = new GlobalLockPageAllocator(t);
        ClusterId home = t.cluster(0);
        List<ClusterId> where = new ArrayList<>();
        for (int i = 0; i < 85 * 4; i++) {
            where.add(a.allocate(home, 0, 7).cluster());
        }
        assertEquals(85, where.stream().filter(home::equals).count(), "home serves down to its 15 % watermark");
        for (int i = 0; i < 85; i++) {
            assertEquals(home, where.get(i));
        }
        assertEquals(t.cluster(1), where.get(85), "then the nearest bank, ties by index");
        assertEquals(t.cluster(3), where.get(where.size() - 1), "the farthest bank last");
        assertEquals(4 * 15, a.freePages());
        OutOfPagesException e = assertThrows(OutOfPagesException.class, () -> a.allocate(home, 0, 7));
        assertTrue(e.getMessage().contains("60 of 400 pages free"), e.getMessage());
        assertEquals(1, e.requestedPages());
        assertEquals(60, e.freePages());
        assertEquals(340, a.allocatedPages());
    }

    @Test
    void globalLockRejectsBadFreesAndKeepsAccounting() {
        Topology t = small();
        GlobalLockPageAllocator a = new GlobalLockPageAllocator(t);
        PageRun run = a.allocate(t.cluster(2), 2, 7);
        assertThrows(PageOwnershipException.class, () -> a.free(run, 8));
        a.free(run, 7);
        assertThrows(DoubleFreeException.class, () -> a.free(run, 7));
        assertEquals(400, a.freePages());
        assertThrows(IllegalArgumentException.class, () -> a.allocate(new ClusterId(4), 0, 7));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(t.cluster(0), 11, 7));
    }

    @Test
    void batchedCacheRefillsAndFlushesInBatches() {
        Topology t = small();
        BatchedCachePageAllocator a = new BatchedCachePageAllocator(t, 8);
        BaselinePageAllocator.Handle h = a.handle(t.cluster(1), 3);
        PageRun first = h.allocate(0);
        assertEquals(t.cluster(1), first.cluster());
        assertEquals(8, a.allocatedPages(), "one refill takes a batch");
        List<PageRun> held = new ArrayList<>();
        held.add(first);
        for (int i = 0; i < 7; i++) {
            held.add(h.allocate(0));
        }
        assertEquals(8, a.allocatedPages(), "served from the cache");
        held.add(h.allocate(0));
        assertEquals(16, a.allocatedPages(), "a second refill");
        for (PageRun r : held) {
            h.free(r);
        }
        assertEquals(16, a.allocatedPages(), "9 frees and 7 cached fit in a cache of 16");
        PageRun more = h.allocate(0);
        h.free(more);
        h.free(h.allocate(1));
        assertEquals(16, a.allocatedPages());
        h.close();
        assertEquals(0, a.allocatedPages(), "close flushes the cache");
        assertEquals(400, a.freePages());
    }

    @Test
    void batchedCacheFlushesTheColdestBatchWhenFull() {
        Topology t = small();
        BatchedCachePageAllocator a = new BatchedCachePageAllocator(t, 4);
        BaselinePageAllocator.Handle h = a.handle(t.cluster(0), 3);
        GlobalLockPageAllocator g = a.global();
        List<PageRun> held = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            held.add(g.allocate(t.cluster(0), 0, 3));
        }
        for (int i = 0; i < 8; i++) {
            h.free(held.get(i));
        }
        assertEquals(9, a.allocatedPages(), "8 pages fit in a cache of 2 x 4");
        h.free(held.get(8));
        assertEquals(5, a.allocatedPages(), "the 9th free flushed a batch of 4");
        assertEquals(held.get(8), h.allocate(0), "LIFO: the last freed page comes back first");
        h.close();
        assertEquals(1, a.allocatedPages());
    }

    @Test
    void aBadPageInACacheIsRefusedAtFlushAndTheRestIsFreed() {
        Topology t = small();
        BatchedCachePageAllocator a = new BatchedCachePageAllocator(t, 2);
        BaselinePageAllocator.Handle mine = a.handle(t.cluster(0), 3);
        PageRun other = a.global().allocate(t.cluster(0), 0, 4);
        PageRun p = mine.allocate(0);
        mine.free(p);
        mine.free(other);
        assertThrows(PageOwnershipException.class, mine::close);
        assertEquals(1, a.allocatedPages(), "only the other owner's page is still allocated");
        a.global().free(other, 4);
        assertEquals(400, a.freePages());
    }

    @Test
    void concurrentThreadsNeverShareAPageAndPagesAreConserved() throws Exception {
        Topology t = Topology.mesh(2, 2).coresPerCluster(1).pagesPerCluster(2048).build();
        for (BaselinePageAllocator a : List.of(new GlobalLockPageAllocator(t), new BatchedCachePageAllocator(t, 16))) {
            Set<PageRun> live = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int worker = w;
                    done.add(pool.submit(() -> {
                        try (BaselinePageAllocator.Handle h = a.handle(t.cluster(worker), worker)) {
                            List<PageRun> held = new ArrayList<>();
                            for (int i = 0; i < 20_000; i++) {
                                if (held.size() < 64 && (i * 7 + worker) % 3 != 0) {
                                    PageRun r = h.allocate((i % 5 == 0) ? 2 : 0);
                                    assertTrue(live.add(r), r + " handed out twice");
                                    held.add(r);
                                } else if (!held.isEmpty()) {
                                    PageRun r = held.remove(held.size() - 1 - (i % held.size()));
                                    assertTrue(live.remove(r));
                                    h.free(r);
                                }
                            }
                            for (PageRun r : held) {
                                live.remove(r);
                                h.free(r);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, a.allocatedPages(), a.toString());
            assertEquals(a.totalPages(), a.freePages());
        }
    }
}
