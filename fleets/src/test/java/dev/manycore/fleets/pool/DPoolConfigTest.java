package dev.manycore.fleets.pool;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DPoolConfigTest {

    @Test
    void defaultsAreOnDemandWithOrderedMarks() {
        DPoolConfig c = DPoolConfig.builder().build();
        assertEquals(DPoolScheme.ON_DEMAND, c.scheme());
        assertTrue(c.lowWater() <= c.highWater());
        assertTrue(c.blockSize() > 0);
        assertEquals(DPoolScheme.PUSH_WITH_ESTIMATION, DPoolConfig.of(DPoolScheme.PUSH_WITH_ESTIMATION).scheme());
    }

    @Test
    void badSettingsAreRejectedWithTheValueAndTheRule() {
        assertMessage("low-water mark -1 is negative", () -> DPoolConfig.builder().lowWater(-1).build());
        assertMessage("high-water mark 3 is below the low-water mark 5",
                () -> DPoolConfig.builder().lowWater(5).highWater(3).build());
        assertMessage("block size 0 is not positive", () -> DPoolConfig.builder().blockSize(0).build());
        assertMessage("period PT0S is not positive", () -> DPoolConfig.builder().period(Duration.ZERO).build());
        assertMessage("transfer timeout PT-1S is not positive",
                () -> DPoolConfig.builder().transferTimeout(Duration.ofSeconds(-1)).build());
        assertThrows(NullPointerException.class, () -> DPoolConfig.builder().scheme(null).build());
    }

    @Test
    void aDirectoryNeedsAName() {
        assertMessage("pool name is blank", () -> DPoolDirectory.create(" "));
        DPoolDirectory<Long> d = DPoolDirectory.create("pids");
        assertEquals("pids", d.name());
        assertTrue(d.partitions().isEmpty());
    }

    private static void assertMessage(String expected, Runnable bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
