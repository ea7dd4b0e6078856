package dev.manycore.numa.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuListTest {

    @Test
    void parsesRangesAndSingles() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 10, 11}, CpuList.parse("0-3,8,10-11\n"));
        assertArrayEquals(new int[] {5}, CpuList.parse("5"));
    }

    @Test
    void blankMeansNoCpu() {
        assertArrayEquals(new int[0], CpuList.parse("\n"));
    }

    @Test
    void malformedListsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse("3-1"));
        assertTrue(e.getMessage().contains("decreasing range '3-1'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("a-b"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("1-2-3"));
    }
}
