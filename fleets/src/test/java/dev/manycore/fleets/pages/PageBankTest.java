package dev.manycore.fleets.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One cluster's bank: owners, watermarks (ALMOS ppm), bad frees and backing memory. */
class PageBankTest {

    private static final ClusterId C2 = new ClusterId(2);
    private static final long P = 42;
    private static final long Q = 43;

    /** The bank's accounting, to compare before and after a rejected call. */
    private static String accounting(PageBank bank) {
        StringBuilder s = new StringBuilder();
        s.append(bank.freePages()).append('/').append(bank.allocatedPages()).append('/').append(bank.totalPages());
        for (int k = 0; k <= PageRun.MAX_ORDER; k++) {
            s.append(' ').append(bank.freeBlocks(k));
        }
        return s.toString();
    }

    @Test
    void allocateRecordsTheOwnerAndFreeGivesTheFramesBack() {
        PageBank bank = new PageBank(C2, 1000, 4096, false);
        PageRun run = bank.allocate(3, P, AllocationPriority.ORDINARY, false);
        assertNotNull(run);
        assertEquals(C2, run.cluster());
        assertEquals(3, run.order());
        assertEquals(8, run.pages());
        assertEquals(P, bank.ownerOf(run));
        assertTrue(bank.isAllocated(run));
        assertEquals(992, bank.freePages());
        assertEquals(8, bank.allocatedPages());
        bank.free(run, P);
        assertFalse(bank.isAllocated(run));
        assertEquals(1000, bank.freePages());
        assertEquals(0, bank.allocatedPages());
    }

    @Test
    void ordinaryAllocationsStopAtFifteenPercentFreeAndPriorityOnesAtFive() {
        PageBank bank = new PageBank(C2, 100, 4096, false);
        assertEquals(15, bank.reserve(AllocationPriority.ORDINARY));
        assertEquals(5, bank.reserve(AllocationPriority.PRIORITY));
        int ordinary = 0;
        while (bank.allocate(0, P, AllocationPriority.ORDINARY, false) != null) {
            ordinary++;
        }
        assertEquals(85, ordinary, "ordinary allocations leave 15 of 100 pages");
        assertEquals(15, bank.freePages());
        assertFalse(bank.canAllocate(0, AllocationPriority.ORDINARY));
        OutOfPagesException why = bank.refusal(0, AllocationPriority.ORDINARY);
        assertTrue(why.getMessage().contains("15 of 100 pages free"), why.getMessage());
        assertTrue(why.getMessage().contains("must leave 15 pages"), why.getMessage());
        assertEquals(1, why.requestedPages());
        assertEquals(15, why.freePages());
        int priority = 0;
        while (bank.allocate(0, 0, AllocationPriority.PRIORITY, false) != null) {
            priority++;
        }
        assertEquals(10, priority, "priority allocations may go down to 5 of 100 pages");
        assertEquals(5, bank.freePages());
        assertEquals(95, bank.allocatedPages());
    }

    @Test
    void aLargeOrdinaryRequestIsRefusedWhenItWouldCrossTheWatermark() {
        PageBank bank = new PageBank(C2, 1024, 4096, false);
        // 1024 - 512 = 512 free, fine; a second 512 would leave 0 < 153
        assertNotNull(bank.allocate(9, P, AllocationPriority.ORDINARY, false));
        String before = accounting(bank);
        assertNull(bank.allocate(9, P, AllocationPriority.ORDINARY, false));
        assertNull(bank.allocate(9, P, AllocationPriority.PRIORITY, false));
        assertEquals(before, accounting(bank));
        assertNotNull(bank.allocate(8, P, AllocationPriority.ORDINARY, false), "1024 - 768 = 256 >= 153");
    }

    @Test
    void fragmentationRefusalSaysSo() {
        PageBank bank = new PageBank(C2, 16, 4096, false);
        assertEquals(0, bank.reserve(AllocationPriority.PRIORITY), "5 % of 16 rounds down to 0");
        List<PageRun> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(bank.allocate(1, P, AllocationPriority.PRIORITY, false));
        }
        for (PageRun r : runs) {
            if ((r.firstFrame() & 2) == 0) {
                bank.free(r, P);
            }
        }
        assertEquals(8, bank.freePages());
        assertEquals(1, bank.largestFreeOrder());
        assertTrue(bank.freePages() - 4 >= bank.reserve(AllocationPriority.ORDINARY), "the watermark allows 4 pages");
        assertNull(bank.allocate(2, P, AllocationPriority.ORDINARY, false));
        OutOfPagesException why = bank.refusal(2, AllocationPriority.ORDINARY);
        assertTrue(why.getMessage().contains("largest free block is of order 1"), why.getMessage());
    }

    @Test
    void doubleFreeIsRejectedNamingTheRunAndAccountingIsUnchanged() {
        PageBank bank = new PageBank(C2, 256, 4096, false);
        PageRun run = bank.allocate(2, P, AllocationPriority.ORDINARY, false);
        bank.allocate(0, P, AllocationPriority.ORDINARY, false);
        bank.free(run, P);
        String before = accounting(bank);
        DoubleFreeException e = assertThrows(DoubleFreeException.class, () -> bank.free(run, P));
        assertTrue(e.getMessage().contains(run.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("free already"), e.getMessage());
        assertEquals(before, accounting(bank));
        assertThrows(DoubleFreeException.class, () -> bank.free(new PageRun(C2, 128, 7), P), "never allocated, all free");
        assertEquals(before, accounting(bank));
    }

    @Test
    void freeingAPartOfARunOrTheWrongOrderIsRejectedAndAccountingIsUnchanged() {
        PageBank bank = new PageBank(C2, 256, 4096, false);
        PageRun run = bank.allocate(3, P, AllocationPriority.ORDINARY, false);
        String before = accounting(bank);
        PageRun part = new PageRun(C2, run.firstFrame() + 4, 2);
        PageNotAllocatedException inside = assertThrows(PageNotAllocatedException.class, () -> bank.free(part, P));
        assertTrue(inside.getMessage().contains(part.toString()), inside.getMessage());
        assertTrue(inside.getMessage().contains("inside the allocated block"), inside.getMessage());
        PageRun smaller = new PageRun(C2, run.firstFrame(), 0);
        PageNotAllocatedException wrong = assertThrows(PageNotAllocatedException.class, () -> bank.free(smaller, P));
        assertTrue(wrong.getMessage().contains("order 3, not 0"), wrong.getMessage());
        PageRun larger = new PageRun(C2, run.firstFrame(), 4);
        assertThrows(PageNotAllocatedException.class, () -> bank.free(larger, P), "half allocated, half free");
        assertThrows(PageNotAllocatedException.class, () -> bank.ownerOf(part));
        assertEquals(before, accounting(bank));
        assertEquals(P, bank.ownerOf(run));
    }

    @Test
    void freeingAnotherOwnersRunIsRejectedAndAccountingIsUnchanged() {
        PageBank bank = new PageBank(C2, 256, 4096, false);
        PageRun run = bank.allocate(1, P, AllocationPriority.ORDINARY, false);
        String before = accounting(bank);
        PageOwnershipException e = assertThrows(PageOwnershipException.class, () -> bank.free(run, Q));
        assertTrue(e.getMessage().contains("owner " + Q), e.getMessage());
        assertTrue(e.getMessage().contains("owner " + P + " holds it"), e.getMessage());
        assertTrue(e.getMessage().contains(run.toString()), e.getMessage());
        assertEquals(before, accounting(bank));
        assertEquals(P, bank.ownerOf(run));
        bank.free(run, P);
        assertEquals(256, bank.freePages());
    }

    @Test
    void outOfRangeInputIsIllegalAndAccountingIsUnchanged() {
        PageBank bank = new PageBank(C2, 100, 4096, false);
        PageRun mine = bank.allocate(0, P, AllocationPriority.ORDINARY, false);
        String before = accounting(bank);
        assertThrows(IllegalArgumentException.class, () -> bank.allocate(11, P, AllocationPriority.ORDINARY, false));
        assertThrows(IllegalArgumentException.class, () -> bank.allocate(-1, P, AllocationPriority.ORDINARY, false));
        assertThrows(IllegalArgumentException.class, () -> bank.allocate(0, -1, AllocationPriority.ORDINARY, false));
        assertThrows(IllegalArgumentException.class, () -> bank.allocate(0, P, null, false));
        assertThrows(IllegalArgumentException.class, () -> bank.free(null, P));
        assertThrows(IllegalArgumentException.class, () -> bank.free(mine, -3));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> bank.free(new PageRun(new ClusterId(3), mine.firstFrame(), 0), P));
        assertTrue(other.getMessage().contains("not in the bank of cluster2"), other.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> bank.free(new PageRun(C2, 96, 3), P));
        assertTrue(outside.getMessage().contains("outside the bank"), outside.getMessage());
        assertEquals(before, accounting(bank));
        assertThrows(IllegalArgumentException.class, () -> new PageBank(C2, 0, 4096, false));
        assertThrows(IllegalArgumentException.class, () -> new PageBank(C2, 10, 3000, false));
        assertThrows(IllegalArgumentException.class, () -> new PageBank(null, 10, 4096, false));
    }

    @Test
    void releaseOwnerFreesEveryRunOfThatOwnerOnly() {
        PageBank bank = new PageBank(C2, 1000, 4096, false);
        List<PageRun> mine = new ArrayList<>();
        List<PageRun> theirs = new ArrayList<>();
        int[] orders = {0, 3, 1, 0, 5, 2, 0, 0, 4, 1};
        for (int i = 0; i < orders.length; i++) {
            (i % 3 == 0 ? theirs : mine).add(bank.allocate(orders[i], i % 3 == 0 ? Q : P, AllocationPriority.ORDINARY, false));
        }
        int minePages = mine.stream().mapToInt(PageRun::pages).sum();
        int theirPages = theirs.stream().mapToInt(PageRun::pages).sum();
        assertEquals(minePages, bank.releaseOwner(P));
        assertEquals(theirPages, bank.allocatedPages());
        for (PageRun r : mine) {
            assertFalse(bank.isAllocated(r));
        }
        for (PageRun r : theirs) {
            assertEquals(Q, bank.ownerOf(r));
        }
        assertEquals(0, bank.releaseOwner(P));
        assertEquals(theirPages, bank.releaseOwner(Q));
        assertEquals(1000, bank.freePages());
        // full free: the first carving again (512 + 256 + 128 + 64 + 32 + 8)
        PageBank fresh = new PageBank(C2, 1000, 4096, false);
        assertEquals(accounting(fresh), accounting(bank));
    }

    @Test
    void listenerMirrorsEveryFreeBlockChange() {
        PageBank bank = new PageBank(C2, 3000, 4096, false);
        long[] mirror = new long[PageRun.MAX_ORDER + 1];
        bank.reportFreeBlocks((cluster, order, delta) -> mirror[order] += delta);
        bank.listener((cluster, order, delta) -> {
            assertEquals(C2, cluster);
            mirror[order] += delta;
        });
        List<PageRun> runs = new ArrayList<>();
        int[] orders = {0, 4, 2, 10, 0, 1, 7, 3};
        for (int order : orders) {
            runs.add(bank.allocate(order, P, AllocationPriority.ORDINARY, false));
        }
        bank.free(runs.get(2), P);
        bank.free(runs.get(5), P);
        bank.releaseOwner(P);
        long pages = 0;
        for (int k = 0; k <= PageRun.MAX_ORDER; k++) {
            assertEquals(bank.freeBlocks(k), mirror[k], "order " + k);
            pages += mirror[k] << k;
        }
        assertEquals(bank.freePages(), pages);
    }

    @Test
    void backedBankReadsAndWritesARunThroughItsSegment() {
        try (PageBank bank = new PageBank(C2, 64, 4096, true)) {
            assertTrue(bank.isBacked());
            PageRun a = bank.allocate(1, P, AllocationPriority.ORDINARY, false);
            PageRun b = bank.allocate(0, P, AllocationPriority.ORDINARY, false);
            MemorySegment sa = bank.segment(a);
            MemorySegment sb = bank.segment(b);
            assertEquals(2 * 4096, sa.byteSize());
            assertEquals(4096, sb.byteSize());
            sa.fill((byte) 7);
            sb.set(ValueLayout.JAVA_LONG, 0, 0x1234_5678_9abc_def0L);
            assertEquals(7, bank.segment(a).get(ValueLayout.JAVA_BYTE, 8191));
            assertEquals(0x1234_5678_9abc_def0L, bank.segment(b).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(7, bank.segment(a).get(ValueLayout.JAVA_BYTE, 0), "writing b left a alone");
            MemorySegment whole = bank.segment(new PageRun(C2, 0, 6));
            assertEquals(64L * 4096, whole.byteSize());
            assertEquals(7, whole.get(ValueLayout.JAVA_BYTE, (long) a.firstFrame() * 4096));
        }
    }

    @Test
    void allocationZeroesTheRunOnlyWhenAsked() {
        try (PageBank bank = new PageBank(C2, 16, 4096, true)) {
            PageRun run = bank.allocate(2, P, AllocationPriority.PRIORITY, false);
            bank.segment(run).fill((byte) 0x5a);
            bank.free(run, P);
            PageRun dirty = bank.allocate(2, P, AllocationPriority.PRIORITY, false);
            assertEquals(run, dirty, "LIFO: the same block comes back");
            assertEquals(0x5a, bank.segment(dirty).get(ValueLayout.JAVA_BYTE, 3 * 4096 + 17), "not zeroed when not asked");
            bank.free(dirty, P);
            PageRun clean = bank.allocate(2, P, AllocationPriority.PRIORITY, true);
            assertEquals(run, clean);
            byte[] bytes = bank.segment(clean).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(new byte[4 * 4096], bytes);
        }
    }

    @Test
    void closedOrUnbackedBankHasNoSegments() {
        PageBank unbacked = new PageBank(C2, 16, 4096, false);
        PageRun run = unbacked.allocate(0, P, AllocationPriority.ORDINARY, true);
        assertNotNull(run, "zeroing an unbacked bank is a no-op");
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> unbacked.segment(run));
        assertTrue(none.getMessage().contains("no backing memory"), none.getMessage());
        PageBank backed = new PageBank(C2, 16, 4096, true);
        PageRun r = backed.allocate(0, P, AllocationPriority.ORDINARY, false);
        MemorySegment s = backed.segment(r);
        backed.close();
        backed.close();
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0), "freed memory is unreachable");
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> backed.segment(r));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        String before = accounting(backed);
        assertThrows(IllegalStateException.class, () -> backed.allocate(0, P, AllocationPriority.ORDINARY, true));
        assertEquals(before, accounting(backed));
        backed.free(r, P);
        assertEquals(16, backed.freePages());
    }

    @Test
    void theFrameApiKeepsTheSameBooksAsTheRunApi() {
        PageBank bank = new PageBank(C2, 100, 4096, false);
        int first = bank.allocateFrame(2, P, AllocationPriority.ORDINARY, false);
        PageRun run = new PageRun(C2, first, 2);
        assertEquals(P, bank.ownerOf(run));
        assertEquals(4, bank.allocatedPages());
        String before = accounting(bank);
        PageOwnershipException owner = assertThrows(PageOwnershipException.class, () -> bank.free(first, 2, Q));
        assertTrue(owner.getMessage().contains(run.toString()), owner.getMessage());
        assertThrows(PageNotAllocatedException.class, () -> bank.free(first, 1, P));
        assertThrows(IllegalArgumentException.class, () -> bank.free(first + 1, 2, P));
        assertThrows(IllegalArgumentException.class, () -> bank.free(first, 2, -1));
        assertEquals(before, accounting(bank));
        bank.free(first, 2, P);
        DoubleFreeException twice = assertThrows(DoubleFreeException.class, () -> bank.free(first, 2, P));
        assertTrue(twice.getMessage().contains(run.toString()), twice.getMessage());
        assertEquals(100, bank.freePages());
        for (int i = 0; i < 85; i++) {
            assertTrue(bank.allocateFrame(0, P, AllocationPriority.ORDINARY, false) >= 0);
        }
        assertEquals(-1, bank.allocateFrame(0, P, AllocationPriority.ORDINARY, false), "the watermark refuses");
    }

    @Test
    void allocatedRunsListsEveryHeldRunInFrameOrder() {
        PageBank bank = new PageBank(C2, 300, 4096, false);
        List<PageRun> held = new ArrayList<>();
        int[] orders = {3, 0, 5, 0, 1, 2};
        for (int order : orders) {
            held.add(bank.allocate(order, P, AllocationPriority.ORDINARY, false));
        }
        bank.free(held.remove(1), P);
        held.sort(Comparator.comparingInt(PageRun::firstFrame));
        assertEquals(held, bank.allocatedRuns());
        bank.releaseOwner(P);
        assertEquals(List.of(), bank.allocatedRuns());
    }

    @Test
    void aFreshBankMatchesTheDqdtsDefaultAndTheListenerKeepsItExact() {
        Topology topology = Topology.mesh(2, 2).coresPerCluster(1)
                .pagesPerCluster(5000).build();
        Dqdt dqdt = Dqdt.of(topology);
        ClusterId c = topology.cluster(3);
        PageBank bank = new PageBank(c, topology.pagesOf(c), topology.pageSize(), false);
        for (int k = 0; k <= PageRun.MAX_ORDER; k++) {
            assertEquals(dqdt.freeBlocks(c, k), bank.freeBlocks(k), "order " + k + " of a fresh bank");
        }
        bank.listener(dqdt::freeBlocksChanged);
        List<PageRun> runs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            runs.add(bank.allocate(i % 7, P, AllocationPriority.ORDINARY, false));
        }
        for (int i = 0; i < runs.size(); i += 3) {
            bank.free(runs.get(i), P);
        }
        assertEquals(bank.freePages(), dqdt.freePages(c));
        for (int k = 0; k <= PageRun.MAX_ORDER; k++) {
            assertEquals(bank.freeBlocks(k), dqdt.freeBlocks(c, k), "order " + k);
        }
        bank.releaseOwner(P);
        assertEquals(5000, dqdt.freePages(c));
    }
}
