package dev.manycore.fleets.pages;

import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.numa.ClusterId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dPool policy (fos report 4.7.2, 4.8.1) end to end on the threaded engine, every scheme. */
class PageAllocatorDPoolTest {

    private static final int BANK = 256;

    @ParameterizedTest
    @EnumSource(DPoolScheme.class)
    void singlePagesComeFromThePoolAndLargerRunsFromTheBanks(DPoolScheme scheme) {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(BANK),
                b -> b.policy(PagePolicy.dpool(scheme)).clientCache(0))) {
            PageAccounting start = f.assertConserved();
            assertEquals(16 * BANK / 2, start.pooledPages(), "half of every bank is pooled");
            ClusterId home = f.topology.cluster(6);
            PageAllocatorClient client = f.pages.client(f.userCore(home));
            PageRun single = client.allocate(0, 4);
            PageRun block = client.allocate(2, 4);
            assertEquals(home, block.cluster(), "runs above order 0 follow the locality policy");
            PageAccounting during = f.assertConserved();
            assertEquals(5, during.heldPages());
            assertEquals(start.pooledPages() - 1, during.pooledPages());
            assertEquals(start.freePages() - 4, during.freePages());
            assertThrows(PageOwnershipException.class, () -> client.free(single, 5));
            client.free(single, 4);
            assertThrows(DoubleFreeException.class, () -> client.free(single, 4));
            client.free(block, 4);
            PageAccounting end = f.assertConserved();
            assertEquals(0, end.heldPages());
            assertEquals(start.pooledPages(), end.pooledPages(), "the freed page went back to a partition");
        }
    }

    @ParameterizedTest
    @EnumSource(DPoolScheme.class)
    void aDrainedPartitionIsRefilledFromOtherMembers(DPoolScheme scheme) {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(BANK),
                b -> b.policy(PagePolicy.dpool(scheme)).clientCache(0))) {
            ClusterId home = f.topology.cluster(0);
            List<ClusterId> group = groupOf(f, home);
            PageAllocatorClient client = f.pages.client(f.userCore(home));
            int partition = group.size() * BANK / 2;
            List<PageRun> runs = new ArrayList<>();
            for (int i = 0; i < partition + 64; i++) {
                runs.add(client.allocate(0, 8));
            }
            assertEquals(runs.size(), new HashSet<>(runs).size(), "no page twice");
            long foreign = runs.stream().filter(r -> !group.contains(r.cluster())).count();
            assertTrue(foreign > 0, "no page came from another member's partition (" + scheme + ")");
            PageAccounting during = f.assertConserved();
            assertEquals(runs.size(), during.heldPages());
            assertEquals(runs.size(), client.releaseOwner(8));
            PageAccounting end = f.assertConserved();
            assertEquals(0, end.heldPages());
            assertEquals(16 * BANK / 2, end.pooledPages(), "every lent page was given back to the pool");
            assertEquals(end.totalPages() - 16 * BANK / 2, end.freePages());
        }
    }

    @Test
    void theClientCacheAndReleaseOwnerWorkOverThePool() {
        try (PageAllocatorFixture f = new PageAllocatorFixture(PageAllocatorFixture.mesh(BANK),
                b -> b.policy(PagePolicy.dpool(DPoolScheme.PUSH_WITH_ESTIMATION)).clientCache(8))) {
            PageAccounting start = f.assertConserved();
            PageAllocatorClient a = f.pages.client(f.userCore(f.topology.cluster(0)));
            PageAllocatorClient b = f.pages.client(f.userCore(f.topology.cluster(12)));
            List<PageRun> runs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                runs.add(a.allocate(0, 21));
            }
            runs.add(b.allocate(3, 21));
            PageAccounting during = f.assertConserved();
            assertEquals(12 + 8, during.heldPages());
            assertEquals(4, during.cachedPages(), "two refills of 8 for 12 pages");
            b.free(runs.getFirst(), 21);
            assertThrows(DoubleFreeException.class, () -> a.free(runs.getFirst(), 21));
            assertEquals(11 + 8, a.releaseOwner(21));
            a.flushCache();
            PageAccounting end = f.assertConserved();
            assertEquals(0, end.heldPages());
            assertEquals(0, end.cachedPages());
            assertEquals(start.pooledPages(), end.pooledPages());
            assertEquals(start.freePages(), end.freePages());
        }
    }

    @Test
    void thePolicyRejectsABadShare() {
        var config = dev.manycore.fleets.pool.DPoolConfig.of(DPoolScheme.ON_DEMAND);
        assertThrows(IllegalArgumentException.class, () -> PagePolicy.dpool(config, 0));
        assertThrows(IllegalArgumentException.class, () -> PagePolicy.dpool(config, 0.9));
        assertTrue(PagePolicy.dpool(config, 0.85).poolShare() > 0.8);
        assertTrue(PagePolicy.locality().isLocality());
    }

    private static List<ClusterId> groupOf(PageAllocatorFixture f, ClusterId c) {
        for (List<ClusterId> g : f.pages.memberGroups()) {
            if (g.contains(c)) {
                return g;
            }
        }
        throw new AssertionError(c + " is in no group");
    }
}
