package dev.manycore.fleets.pages;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page allocator fleet end to end on the threaded engine, locality policy. */
class PageAllocatorTest {

    @Test
    void allocatesInTheRequestersClusterAndFreesBack() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(1024), b -> b.clientCache(0))) {
            ClusterId home = f.topology.cluster(5);
            PageAllocatorClient client = f.pages.client(f.userCore(home));
            PageRun run = client.allocate(3, 7);
            assertEquals(home, run.cluster());
            assertEquals(3, run.order());
            PageAccounting during = f.assertConserved();
            assertEquals(8, during.of(home).held());
            assertEquals(1024 - 8, f.dqdt.freePages(home));
            client.free(run, 7);
            PageAccounting after = f.assertConserved();
            assertEquals(0, after.of(home).held());
            assertEquals(1024, after.of(home).free());
            assertEquals(1024, f.dqdt.freePages(home));
        }
    }

    @Test
    void membersServeGroupsOfNearbyClustersFromACoreInside() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(256), b -> b)) {
            assertEquals(4, f.pages.memberCores().size());
            for (int g = 0; g < 4; g++) {
                List<ClusterId> group = f.pages.memberGroups().get(g);
                assertEquals(4, group.size());
                assertTrue(group.contains(f.topology.clusterOf(f.pages.memberCores().get(g))));
                for (ClusterId a : group) {
                    for (ClusterId b : group) {
                        assertTrue(f.topology.distance(a, b) <= 2, () -> "group " + group + " is not a 2x2 block");
                    }
                }
            }
        }
    }

    @Test
    void spillsToTheNearestClusterOfAnotherMemberWhenTheLocalBankIsLow() {
        // one cluster per member: every spill crosses members (ctx.forward by resource affinity)
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(64),
                b -> b.clustersPerMember(1).clientCache(0))) {
            ClusterId home = f.topology.cluster(5);
            PageAllocatorClient client = f.pages.client(f.userCore(home));
            int localMax = 64 - AllocationPriority.ORDINARY.reservedPages(64);
            List<PageRun> runs = new ArrayList<>();
            for (int i = 0; i < localMax + 10; i++) {
                runs.add(client.allocate(0, 1));
            }
            for (int i = 0; i < localMax; i++) {
                assertEquals(home, runs.get(i).cluster(), "page " + i + " while the local bank has room");
            }
            for (int i = localMax; i < runs.size(); i++) {
                ClusterId c = runs.get(i).cluster();
                assertNotEquals(home, c);
                assertEquals(1, f.topology.distance(home, c), "spilled page " + i + " went to " + c + ", not a neighbour");
            }
            assertEquals(localMax, f.assertConserved().of(home).held());
            assertEquals(runs.size(), new HashSet<>(runs).size());
            for (PageRun r : runs) {
                client.free(r, 1);
            }
            assertEquals(0, f.assertConserved().heldPages());
        }
    }

    @Test
    void localityIsAtLeast95PercentWithEnoughMemory() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(4096), b -> b.clientCache(16))) {
            PageAccounting.LocalityCount count = new PageAccounting.LocalityCount();
            List<PageRun> all = new ArrayList<>();
            List<PageAllocatorClient> clients = new ArrayList<>();
            for (ClusterId c : f.topology.clusters()) {
                clients.add(f.pages.client(f.userCore(c)));
            }
            for (int round = 0; round < 40; round++) {
                for (PageAllocatorClient client : clients) {
                    ClusterId home = f.topology.clusterOf(client.core());
                    PageRun run = client.allocate(round % 3, 10 + round);
                    count.record(run, home);
                    all.add(run);
                }
            }
            assertTrue(count.share() >= 0.95, "local share " + count.share());
            assertEquals(all.size(), new HashSet<>(all).size());
            f.assertConserved();
        }
    }

    @Test
    void theClientCacheRefillsAndFlushesInBatches() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(1024), b -> b.clientCache(8))) {
            ClusterId home = f.topology.cluster(0);
            PageAllocatorClient client = f.pages.client(f.userCore(home));
            PageRun first = client.allocate(0, 3);
            PageAccounting a = f.assertConserved();
            assertEquals(8, a.of(home).allocated(), "one refill of a batch");
            assertEquals(7, a.of(home).cached());
            assertEquals(1, a.of(home).held());
            assertEquals(7, client.cachedPages());
            client.free(first, 3);
            assertEquals(8, f.assertConserved().of(home).cached());
            List<PageRun> runs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                runs.add(client.allocate(0, 3));
            }
            // 8 cached, then two more refills of 8 for 20 pages: 24 taken, 4 left
            a = f.assertConserved();
            assertEquals(24, a.of(home).allocated());
            assertEquals(4, a.of(home).cached());
            assertEquals(20, a.of(home).held());
            for (PageRun r : runs) {
                client.free(r, 3);
            }
            // the 13th free makes 17 > 2 x 8: 8 go back; 7 more frees make 16
            a = f.assertConserved();
            assertEquals(16, a.of(home).cached());
            assertEquals(16, a.of(home).allocated());
            assertEquals(0, a.of(home).held());
            client.flushCache();
            a = f.assertConserved();
            assertEquals(0, a.of(home).allocated());
            assertEquals(0, client.cachedPages());
        }
    }

    @Test
    void badInputIsRejectedWithSpecificErrorsAndChangesNothing() {
        for (int batch : new int[] {0, 8}) {
            try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(1024),
                    b -> b.clientCache(batch))) {
                ClusterId home = f.topology.cluster(0);
                PageAllocatorClient client = f.pages.client(f.userCore(home));
                PageAllocatorClient other = f.pages.client(f.userCore(f.topology.cluster(15)));
                PageRun single = client.allocate(0, 1);
                PageRun block = client.allocate(2, 1);
                PageRun freed = client.allocate(0, 1);
                client.free(freed, 1);
                PageAccounting before = f.assertConserved();

                assertThrows(IllegalArgumentException.class, () -> client.allocate(-1, 1));
                assertThrows(IllegalArgumentException.class, () -> client.allocate(PageRun.MAX_ORDER + 1, 1));
                assertThrows(IllegalArgumentException.class, () -> client.allocate(0, -1));
                assertThrows(IllegalArgumentException.class, () -> client.allocatePages(0, 1));
                assertThrows(IllegalArgumentException.class,
                        () -> client.allocatePages((int) f.topology.totalPages() + 1, 1));
                assertThrows(IllegalArgumentException.class,
                        () -> client.allocateAsync(0, 1, null));
                assertThrows(IllegalArgumentException.class, () -> client.free(new PageRun(home, 4096, 0), 1));
                assertThrows(IllegalArgumentException.class,
                        () -> client.free(new PageRun(new ClusterId(99), 0, 0), 1));
                PageNotAllocatedException part = assertThrows(PageNotAllocatedException.class,
                        () -> client.free(new PageRun(block.cluster(), block.firstFrame(), 1), 1));
                assertTrue(part.getMessage().contains("order 1") || part.getMessage().contains(block.cluster().toString()),
                        part.getMessage());
                assertThrows(DoubleFreeException.class, () -> client.free(freed, 1));
                assertThrows(PageOwnershipException.class, () -> client.free(single, 2));
                assertThrows(PageOwnershipException.class, () -> client.free(block, 2));
                assertThrows(PageOwnershipException.class, () -> other.free(single, 2));
                assertThrows(DoubleFreeException.class, () -> other.free(freed, 1));
                assertEquals(before, f.assertConserved(), "a rejected request changed the accounting");

                other.free(single, 1);
                client.free(block, 1);
                assertEquals(0, f.assertConserved().heldPages());
            }
        }
    }

    @Test
    void outOfMemoryNamesTheRequestAndWhatIsFreeAndChangesNothing() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(64), b -> b.clientCache(4))) {
            PageAllocatorClient client = f.pages.client(f.userCore(f.topology.cluster(3)));
            PageAccounting before = f.assertConserved();
            OutOfPagesException big = assertThrows(OutOfPagesException.class, () -> client.allocate(PageRun.MAX_ORDER, 9));
            assertEquals(1024, big.requestedPages());
            assertEquals(16 * 64, big.freePages());
            assertTrue(big.getMessage().contains("1024 pages (order 10)"), big.getMessage());
            assertTrue(big.getMessage().contains("free now: 1024 pages"), big.getMessage());
            assertEquals(before, f.assertConserved());

            int usable = 16 * (64 - AllocationPriority.ORDINARY.reservedPages(64));
            OutOfPagesException many = assertThrows(OutOfPagesException.class,
                    () -> client.allocatePages(usable + 1, 9));
            assertTrue(many.getMessage().contains("cannot allocate " + (usable + 1) + " pages"), many.getMessage());
            assertEquals(before, f.assertConserved(), "all or nothing");

            List<PageRun> all = client.allocatePages(usable, 9);
            assertEquals(usable, new HashSet<>(all).size());
            OutOfPagesException full = assertThrows(OutOfPagesException.class, () -> client.allocate(0, 9));
            assertTrue(full.getMessage().contains("ORDINARY"), full.getMessage());
            // priority requests may still dig into the reserve
            PageRun reserve = client.allocateAsync(0, 9, AllocationPriority.PRIORITY).join();
            assertEquals(usable + 1, f.assertConserved().heldPages());
            assertEquals(usable + 1, client.releaseOwner(9));
            assertTrue(reserve.order() == 0);
            assertEquals(0, f.assertConserved().heldPages());
        }
    }

    @Test
    void releaseOwnerFreesWhatItHoldsEverywhereCachesIncluded() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(1024), b -> b.clientCache(8))) {
            PageAllocatorClient a = f.pages.client(f.userCore(f.topology.cluster(0)));
            PageAllocatorClient b = f.pages.client(f.userCore(f.topology.cluster(10)));
            PageAllocatorClient c = f.pages.client(f.userCore(f.topology.cluster(15)));
            Set<PageRun> mine = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                mine.add(a.allocate(0, 42));
                mine.add(b.allocate(1, 42));
            }
            mine.addAll(b.allocatePages(3, 42));
            PageRun kept = a.allocate(0, 43);
            PageAccounting before = f.assertConserved();
            assertEquals(5 + 10 + 3 + 1, before.heldPages());
            long cached = before.cachedPages();

            assertEquals(18, c.releaseOwner(42));
            PageAccounting after = f.assertConserved();
            assertEquals(1, after.heldPages(), "only owner 43's page is left");
            assertEquals(cached, after.cachedPages(), "pages lent to owner 42 go back to their bank, not to a cache");
            assertEquals(0, c.releaseOwner(42));
            for (PageRun r : mine) {
                if (r.order() == 0 && r.cluster().equals(f.topology.cluster(0))) {
                    assertThrows(PageAllocatorException.class, () -> a.free(r, 42));
                }
            }
            a.free(kept, 43);
            assertEquals(0, f.assertConserved().heldPages());
        }
    }

    @Test
    void pagesLentByOneCoresCacheCanBeFreedFromAnother() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(1024), b -> b.clientCache(8))) {
            PageAllocatorClient a = f.pages.client(f.userCore(f.topology.cluster(0)));
            CoreId otherCore = f.userCore(f.topology.cluster(6));
            PageAllocatorClient b = f.pages.client(otherCore);
            PageRun run = a.allocate(0, 5);
            assertThrows(PageOwnershipException.class, () -> b.free(run, 6));
            b.free(run, 5);
            assertThrows(DoubleFreeException.class, () -> b.free(run, 5));
            PageAccounting acc = f.assertConserved();
            assertEquals(0, acc.heldPages());
            assertEquals(7, acc.cachedPages());
        }
    }

    @Test
    void backedBanksGiveEachRunItsOwnMemoryZeroedOnAllocation() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(64),
                b -> b.backingMemory(true).zeroOnAllocation(true).clientCache(0))) {
            PageAllocatorClient client = f.pages.client(f.userCore(f.topology.cluster(2)));
            PageRun a = client.allocate(1, 1);
            PageRun b = client.allocate(0, 1);
            var sa = f.pages.segment(a);
            assertEquals(2L * f.topology.pageSize(), sa.byteSize());
            sa.fill((byte) 7);
            assertEquals(0, f.pages.segment(b).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            client.free(a, 1);
            PageRun again = client.allocate(1, 1);
            assertEquals(a, again, "the buddy allocator hands the same block out again");
            assertEquals(0, f.pages.segment(again).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5), "zeroed");
            client.free(again, 1);
            client.free(b, 1);
        }
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(64), b -> b)) {
            PageRun run = f.pages.client(f.userCore(f.topology.cluster(0))).allocate(0, 1);
            assertThrows(IllegalStateException.class, () -> f.pages.segment(run));
        }
    }
}
