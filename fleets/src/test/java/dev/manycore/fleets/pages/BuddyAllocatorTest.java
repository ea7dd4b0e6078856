package dev.manycore.fleets.pages;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Split, merge, alignment and bad frees of the buddy allocator (Knuth TAOCP 2.5). */
class BuddyAllocatorTest {

    private static int[] counts(BuddyAllocator b) {
        int[] c = new int[BuddyAllocator.MAX_ORDER + 1];
        for (int k = 0; k < c.length; k++) {
            c[k] = b.freeBlocks(k);
        }
        return c;
    }

    @Test
    void freshPowerOfTwoBankIsOneBlockPerMaxOrder() {
        BuddyAllocator b = new BuddyAllocator(4096);
        assertEquals(4, b.freeBlocks(10));
        for (int k = 0; k < 10; k++) {
            assertEquals(0, b.freeBlocks(k), "order " + k);
        }
        assertEquals(4096, b.freeFrames());
        assertEquals(4096, b.totalFrames());
        assertEquals(10, b.largestFreeOrder());
    }

    @Test
    void nonPowerOfTwoBankIsCarvedByAlignmentIntoTheBinaryRemainder() {
        // 2048 + 512 + 64 + 4 + 1 = 2629
        BuddyAllocator b = new BuddyAllocator(2629);
        int[] expected = new int[11];
        expected[10] = 2;
        expected[9] = 1;
        expected[6] = 1;
        expected[2] = 1;
        expected[0] = 1;
        assertArrayEquals(expected, counts(b));
        assertEquals(2629, b.freeFrames());
    }

    @Test
    void allocationSplitsTheSmallestLargerBlockAndFreeMergesItBack() {
        BuddyAllocator b = new BuddyAllocator(1024);
        assertEquals(0, b.allocate(0));
        // 1024 split down: one free block at each order 0..9
        for (int k = 0; k < 10; k++) {
            assertEquals(1, b.freeBlocks(k), "order " + k);
        }
        assertEquals(0, b.freeBlocks(10));
        assertEquals(1023, b.freeFrames());
        assertEquals(1, b.allocate(0), "the buddy of frame 0 at order 0 is frame 1");
        assertEquals(0, b.freeBlocks(0));
        assertEquals(4, b.allocate(2), "the free order-2 block is frames 4..7");
        b.free(0, 0);
        b.free(1, 0);
        assertEquals(0, b.freeBlocks(1), "frames 0 and 1 merged, then with frames 2..3");
        assertEquals(1, b.freeBlocks(2), "frames 0..3 free at order 2, their buddy 4..7 is allocated");
        b.free(4, 2);
        assertEquals(1, b.freeBlocks(10));
        assertEquals(1024, b.freeFrames());
        for (int k = 0; k < 10; k++) {
            assertEquals(0, b.freeBlocks(k), "order " + k);
        }
    }

    @Test
    void everyBlockIsAlignedToItsSize() {
        BuddyAllocator b = new BuddyAllocator(3000);
        int[] orders = {0, 3, 1, 5, 0, 2, 7, 4, 10, 0, 6};
        for (int order : orders) {
            int first = b.allocate(order);
            assertTrue(first >= 0);
            assertEquals(0, first % (1 << order), "order " + order + " at " + first);
            assertTrue(first + (1 << order) <= 3000);
            assertTrue(b.isAllocated(first, order));
        }
    }

    @Test
    void aBlockNeverCrossesTheEndOfAnOddBank() {
        BuddyAllocator b = new BuddyAllocator(7);
        assertEquals(-1, b.allocate(3), "7 frames hold no block of 8");
        assertEquals(0, b.allocate(2));
        assertEquals(4, b.allocate(1));
        assertEquals(6, b.allocate(0));
        assertEquals(-1, b.allocate(0));
        assertEquals(0, b.freeFrames());
        b.free(6, 0);
        b.free(4, 1);
        b.free(0, 2);
        assertEquals(1, b.freeBlocks(2));
        assertEquals(1, b.freeBlocks(1));
        assertEquals(1, b.freeBlocks(0));
        assertEquals(7, b.freeFrames());
    }

    @Test
    void exhaustionReturnsMinusOneAndChangesNothing() {
        BuddyAllocator b = new BuddyAllocator(16);
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            got.add(b.allocate(0));
        }
        assertEquals(16, got.stream().distinct().count());
        assertEquals(-1, b.allocate(0));
        assertEquals(0, b.freeFrames());
        assertEquals(-1, b.largestFreeOrder());
    }

    @Test
    void doubleFreeIsRejectedAndChangesNothing() {
        BuddyAllocator b = new BuddyAllocator(64);
        int first = b.allocate(2);
        b.allocate(0);
        b.free(first, 2);
        int[] before = counts(b);
        int free = b.freeFrames();
        DoubleFreeException e = assertThrows(DoubleFreeException.class, () -> b.free(first, 2));
        assertTrue(e.getMessage().contains(first + ".." + (first + 3)), e.getMessage());
        assertTrue(e.getMessage().contains("free already"), e.getMessage());
        assertEquals(free, b.freeFrames());
        assertArrayEquals(before, counts(b));
    }

    @Test
    void freeingPartOfALargerBlockOrTheWrongOrderIsRejectedAndChangesNothing() {
        BuddyAllocator b = new BuddyAllocator(64);
        int first = b.allocate(3);
        int[] before = counts(b);
        PageNotAllocatedException inside = assertThrows(PageNotAllocatedException.class, () -> b.free(first + 4, 2));
        assertTrue(inside.getMessage().contains("inside the allocated block"), inside.getMessage());
        PageNotAllocatedException wrongOrder = assertThrows(PageNotAllocatedException.class, () -> b.free(first, 2));
        assertTrue(wrongOrder.getMessage().contains("order 3, not 2"), wrongOrder.getMessage());
        PageNotAllocatedException bigger = assertThrows(PageNotAllocatedException.class, () -> b.free(first, 4));
        assertTrue(bigger.getMessage().contains("partly free") || bigger.getMessage().contains("not 4"), bigger.getMessage());
        assertEquals(56, b.freeFrames());
        assertArrayEquals(before, counts(b));
        assertTrue(b.isAllocated(first, 3));
        b.free(first, 3);
        assertEquals(64, b.freeFrames());
    }

    @Test
    void outOfRangeArgumentsAreIllegal() {
        BuddyAllocator b = new BuddyAllocator(100);
        assertThrows(IllegalArgumentException.class, () -> new BuddyAllocator(0));
        assertThrows(IllegalArgumentException.class, () -> new BuddyAllocator(-5));
        assertThrows(IllegalArgumentException.class, () -> b.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> b.allocate(11));
        assertThrows(IllegalArgumentException.class, () -> b.free(-2, 1));
        assertThrows(IllegalArgumentException.class, () -> b.free(96, 3), "96..103 passes the end of 100 frames");
        IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class, () -> b.free(2, 2));
        assertTrue(misaligned.getMessage().contains("not aligned"), misaligned.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.freeBlocks(11));
        assertFalse(b.isAllocated(0, 0));
        assertEquals(100, b.freeFrames());
    }

    @Test
    void listenerSeesEverySplitAndMerge() {
        BuddyAllocator b = new BuddyAllocator(1024);
        int[] deltas = new int[11];
        b.listener((order, delta) -> deltas[order] += delta);
        int first = b.allocate(2);
        assertEquals(-1, deltas[10]);
        for (int k = 2; k < 10; k++) {
            assertEquals(1, deltas[k], "order " + k);
        }
        assertEquals(0, deltas[1]);
        b.free(first, 2);
        for (int k = 0; k <= 10; k++) {
            assertEquals(0, deltas[k], "order " + k + " after the merge back");
        }
    }
}
