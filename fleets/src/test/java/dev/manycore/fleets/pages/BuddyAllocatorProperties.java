package dev.manycore.fleets.pages;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariants of the buddy allocator under random allocate and free sequences, checked against a
 * model of the blocks handed out: pages conserved, no frame handed out twice, per-order counts equal
 * a recount, free blocks maximally merged, and a full free restoring the first carving.
 */
class BuddyAllocatorProperties {

    /** Allocate a block of {@code order} (when {@code free} is false) or free the held block at {@code pick}. */
    record Op(boolean free, int order, int pick) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> order = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 2)),
                Tuple.of(3, Arbitraries.integers().between(3, 6)),
                Tuple.of(1, Arbitraries.integers().between(7, 10)));
        return Combinators.combine(Arbitraries.integers().between(0, 9), order, Arbitraries.integers().between(0, 10_000))
                .as((kind, o, pick) -> new Op(kind < 4, o, pick)).list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 200)
    void pagesAreConservedAndNoFrameIsHandedOutTwice(@ForAll @IntRange(min = 1, max = 5000) int frames,
                                                       @ForAll("ops") List<Op> ops) {
        BuddyAllocator buddy = new BuddyAllocator(frames);
        int[] heldBy = new int[frames]; // 0: not held; else 1 + first frame of the held block
        List<int[]> held = new ArrayList<>();
        for (Op op : ops) {
            if (op.free() && !held.isEmpty()) {
                int[] block = held.remove(op.pick() % held.size());
                buddy.free(block[0], block[1]);
                for (int f = block[0]; f < block[0] + (1 << block[1]); f++) {
                    heldBy[f] = 0;
                }
            } else if (!op.free()) {
                int first = buddy.allocate(op.order());
                if (first < 0) {
                    assertTrue(buddy.largestFreeOrder() < op.order(), "refused while a large enough block was free");
                    continue;
                }
                assertEquals(0, first & ((1 << op.order()) - 1), "aligned");
                assertTrue(first + (1 << op.order()) <= frames, "inside the bank");
                for (int f = first; f < first + (1 << op.order()); f++) {
                    assertEquals(0, heldBy[f], "frame " + f + " handed out twice");
                    heldBy[f] = first + 1;
                }
                held.add(new int[] {first, op.order()});
            }
            checkInvariants(buddy, heldBy, held);
        }
    }

    @Property(tries = 150)
    void freeingEverythingRestoresTheFirstCarving(@ForAll @IntRange(min = 1, max = 5000) int frames,
                                                  @ForAll("ops") List<Op> ops) {
        BuddyAllocator buddy = new BuddyAllocator(frames);
        int[] fresh = counts(buddy);
        List<int[]> held = new ArrayList<>();
        for (Op op : ops) {
            int first = buddy.allocate(op.order());
            if (first >= 0) {
                held.add(new int[] {first, op.order()});
            }
        }
        // free in an order the ops also choose: each op's pick names the next block to give back
        for (int i = 0; !held.isEmpty(); i++) {
            int[] block = held.remove(ops.get(i % ops.size()).pick() % held.size());
            buddy.free(block[0], block[1]);
        }
        assertEquals(frames, buddy.freeFrames());
        assertArrayEquals(fresh, counts(buddy));
    }

    /** free + held == total; the per-order counts equal a recount; no free block overlaps a held one; buddies merged. */
    static void checkInvariants(BuddyAllocator buddy, int[] heldBy, List<int[]> held) {
        int frames = buddy.totalFrames();
        int heldFrames = 0;
        for (int[] block : held) {
            heldFrames += 1 << block[1];
            assertTrue(buddy.isAllocated(block[0], block[1]));
        }
        assertEquals(frames, buddy.freeFrames() + heldFrames, "free + allocated == total");
        int[] recount = new int[BuddyAllocator.MAX_ORDER + 1];
        int covered = 0;
        int f = 0;
        while (f < frames) {
            int k = buddy.freeOrderAt(f);
            if (k >= 0) {
                recount[k]++;
                for (int g = f; g < f + (1 << k); g++) {
                    assertEquals(0, heldBy[g], "free block at " + f + " overlaps held frame " + g);
                }
                int buddyStart = f ^ (1 << k);
                if (k < BuddyAllocator.MAX_ORDER && buddyStart < frames) {
                    assertFalse(buddy.freeOrderAt(buddyStart) == k, "free buddies " + f + " and " + buddyStart
                            + " of order " + k + " were not merged");
                }
                covered += 1 << k;
                f += 1 << k;
            } else {
                assertTrue(heldBy[f] != 0, "frame " + f + " is neither free nor held");
                f++;
            }
        }
        assertEquals(buddy.freeFrames(), covered, "the free blocks cover the free frames");
        assertArrayEquals(recount, counts(buddy), "freeBlocks per order equals a recount");
    }

    static int[] counts(BuddyAllocator buddy) {
        int[] c = new int[BuddyAllocator.MAX_ORDER + 1];
        for (int k = 0; k < c.length; k++) {
            c[k] = buddy.freeBlocks(k);
        }
        return c;
    }
}
