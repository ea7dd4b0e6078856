package dev.manycore.fleets.pages;

import dev.manycore.numa.ClusterId;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The value type of a run and the watermark arithmetic. */
class PageRunTest {

    private static final ClusterId C = new ClusterId(1);

    @Test
    void aRunKnowsItsSizeAndRange() {
        PageRun run = new PageRun(C, 24, 3);
        assertEquals(8, run.pages());
        assertEquals(32, run.endFrame());
        assertTrue(run.contains(24));
        assertTrue(run.contains(31));
        assertFalse(run.contains(32));
        assertFalse(run.contains(23));
        assertEquals("cluster1 frames 24..31 (order 3)", run.toString());
        assertEquals(new PageRun(C, 24, 3), run);
    }

    @Test
    void badRunsAreRejectedNamingTheValueAndTheRule() {
        IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class, () -> new PageRun(C, 12, 3));
        assertTrue(misaligned.getMessage().contains("12") && misaligned.getMessage().contains("multiple of 8"),
                misaligned.getMessage());
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class, () -> new PageRun(C, 0, 11));
        assertTrue(order.getMessage().contains("order 11"), order.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PageRun(C, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new PageRun(C, -8, 3));
        assertThrows(IllegalArgumentException.class, () -> new PageRun(null, 0, 0));
    }

    @Test
    void watermarksAreFifteenAndFivePercentRoundedDown() {
        assertEquals(15, AllocationPriority.ORDINARY.reservedPages(100));
        assertEquals(5, AllocationPriority.PRIORITY.reservedPages(100));
        assertEquals(2457, AllocationPriority.ORDINARY.reservedPages(16384));
        assertEquals(819, AllocationPriority.PRIORITY.reservedPages(16384));
        assertEquals(0, AllocationPriority.ORDINARY.reservedPages(6));
        assertEquals(322122547, AllocationPriority.ORDINARY.reservedPages(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> AllocationPriority.ORDINARY.reservedPages(-1));
    }
}
