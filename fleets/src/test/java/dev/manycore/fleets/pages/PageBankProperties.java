package dev.manycore.fleets.pages;

import dev.manycore.numa.ClusterId;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bank under random allocations, frees, bad frees (twice, by another owner, a part of a run, the
 * wrong order) and process exits: every bad free is rejected with its own exception and leaves the
 * accounting unchanged; free + allocated == total; the owners and the listener's mirror stay exact;
 * no frame is handed out twice; the watermark of each priority holds.
 */
class PageBankProperties {

    private static final ClusterId C = new ClusterId(0);

    enum Kind { ALLOCATE, PRIORITY_ALLOCATE, FREE, DOUBLE_FREE, WRONG_OWNER, PART, WRONG_ORDER, RELEASE_OWNER }

    record Op(Kind kind, int order, int pick, long owner) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Kind> kind = Arbitraries.frequency(
                Tuple.of(8, Kind.ALLOCATE), Tuple.of(2, Kind.PRIORITY_ALLOCATE),
                Tuple.of(6, Kind.FREE), Tuple.of(1, Kind.DOUBLE_FREE),
                Tuple.of(1, Kind.WRONG_OWNER), Tuple.of(1, Kind.PART),
                Tuple.of(1, Kind.WRONG_ORDER), Tuple.of(1, Kind.RELEASE_OWNER));
        return Combinators.combine(kind, Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 10_000),
                Arbitraries.longs().between(0, 3)).as(Op::new).list().ofMinSize(1).ofMaxSize(200);
    }

    private static String accounting(PageBank bank) {
        StringBuilder s = new StringBuilder();
        s.append(bank.freePages()).append('/').append(bank.allocatedPages());
        for (int k = 0; k <= PageRun.MAX_ORDER; k++) {
            s.append(' ').append(bank.freeBlocks(k));
        }
        return s.toString();
    }

    @Property(tries = 200)
    void badFreesChangeNothingAndPagesAreConserved(@ForAll @IntRange(min = 1, max = 3000) int frames,
                                                   @ForAll("ops") List<Op> ops) {
        PageBank bank = new PageBank(C, frames, 4096, false);
        long[] mirror = new long[PageRun.MAX_ORDER + 1];
        bank.reportFreeBlocks((c, order, delta) -> mirror[order] += delta);
        bank.listener((c, order, delta) -> mirror[order] += delta);
        List<PageRun> held = new ArrayList<>();
        List<Long> owners = new ArrayList<>();
        List<PageRun> freed = new ArrayList<>();
        for (Op op : ops) {
            String before = accounting(bank);
            switch (op.kind()) {
                case ALLOCATE, PRIORITY_ALLOCATE -> {
                    AllocationPriority p = op.kind() == Kind.ALLOCATE ? AllocationPriority.ORDINARY : AllocationPriority.PRIORITY;
                    boolean could = bank.canAllocate(op.order(), p);
                    PageRun run = bank.allocate(op.order(), op.owner(), p, false);
                    assertEquals(could, run != null);
                    if (run == null) {
                        assertEquals(before, accounting(bank));
                    } else {
                        assertTrue(bank.freePages() >= bank.reserve(p), "the " + p + " watermark holds");
                        for (PageRun other : held) {
                            assertTrue(run.endFrame() <= other.firstFrame() || other.endFrame() <= run.firstFrame(),
                                    run + " overlaps " + other);
                        }
                        held.add(run);
                        owners.add(op.owner());
                    }
                }
                case FREE -> {
                    if (!held.isEmpty()) {
                        int i = op.pick() % held.size();
                        PageRun run = held.remove(i);
                        bank.free(run, owners.remove(i));
                        freed.add(run);
                    }
                }
                case DOUBLE_FREE -> {
                    // a freed run is free again unless part of it was handed out since
                    for (PageRun run : freed) {
                        if (held.stream().noneMatch(h -> h.firstFrame() < run.endFrame() && run.firstFrame() < h.endFrame())) {
                            assertThrows(DoubleFreeException.class, () -> bank.free(run, op.owner()));
                            break;
                        }
                    }
                }
                case WRONG_OWNER -> {
                    if (!held.isEmpty()) {
                        int i = op.pick() % held.size();
                        long other = owners.get(i) + 1 + op.owner();
                        assertThrows(PageOwnershipException.class, () -> bank.free(held.get(i), other));
                    }
                }
                case PART -> {
                    for (PageRun run : held) {
                        if (run.order() > 0) {
                            PageRun half = new PageRun(C, run.firstFrame() + run.pages() / 2, run.order() - 1);
                            assertThrows(PageNotAllocatedException.class, () -> bank.free(half, op.owner()));
                            break;
                        }
                    }
                }
                case WRONG_ORDER -> {
                    for (PageRun run : held) {
                        if (run.order() > 0) {
                            PageRun smaller = new PageRun(C, run.firstFrame(), run.order() - 1);
                            assertThrows(PageNotAllocatedException.class, () -> bank.free(smaller, op.owner()));
                            break;
                        }
                    }
                }
                case RELEASE_OWNER -> {
                    int expected = 0;
                    for (int i = held.size() - 1; i >= 0; i--) {
                        if (owners.get(i) == op.owner()) {
                            expected += held.get(i).pages();
                            freed.add(held.remove(i));
                            owners.remove(i);
                        }
                    }
                    assertEquals(expected, bank.releaseOwner(op.owner()));
                }
            }
            if (op.kind() != Kind.ALLOCATE && op.kind() != Kind.PRIORITY_ALLOCATE && op.kind() != Kind.FREE
                    && op.kind() != Kind.RELEASE_OWNER) {
                assertEquals(before, accounting(bank), op + " was rejected without a change");
            }
            int heldPages = held.stream().mapToInt(PageRun::pages).sum();
            assertEquals(heldPages, bank.allocatedPages());
            assertEquals(frames, bank.freePages() + bank.allocatedPages(), "free + allocated == total");
            for (int i = 0; i < held.size(); i++) {
                assertEquals(owners.get(i), bank.ownerOf(held.get(i)));
            }
            long mirrored = 0;
            for (int k = 0; k <= PageRun.MAX_ORDER; k++) {
                assertEquals(bank.freeBlocks(k), mirror[k], "listener mirror of order " + k);
                mirrored += mirror[k] << k;
            }
            assertEquals(bank.freePages(), mirrored);
        }
        for (long owner = 0; owner <= 3; owner++) {
            bank.releaseOwner(owner);
        }
        PageBank fresh = new PageBank(C, frames, 4096, false);
        assertEquals(accounting(fresh), accounting(bank), "a full free restores the first carving");
        long[] freshCounts = new long[PageRun.MAX_ORDER + 1];
        fresh.reportFreeBlocks((c, order, delta) -> freshCounts[order] += delta);
        assertArrayEquals(freshCounts, mirror);
    }
}
