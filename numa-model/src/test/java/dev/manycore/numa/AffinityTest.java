package dev.manycore.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AffinityTest {

    /** Pins a fresh platform thread, so the test runner's own threads keep their affinity. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void pinToCpuZeroThenReadBackZero() throws InterruptedException {
        assertTrue(Affinity.isSupported(), "sched_setaffinity and sched_getcpu are in glibc on Linux");
        AtomicInteger pinned = new AtomicInteger(-2);
        AtomicInteger seen = new AtomicInteger(-2);
        Thread t = Thread.ofPlatform().name("affinity-probe").start(() -> {
            pinned.set(Affinity.pinCurrentThread(0) ? 1 : 0);
            seen.set(Affinity.currentCpu());
        });
        t.join();
        assertEquals(1, pinned.get(), "pinning to CPU 0 succeeded");
        assertEquals(0, seen.get(), "the pinned thread runs on CPU 0");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void currentCpuIsAPossibleCpu() {
        int cpu = Affinity.currentCpu();
        assertTrue(cpu >= 0 && cpu < Affinity.cpuLimit(), "cpu " + cpu);
    }

    @Test
    void pinningToACpuThatDoesNotExistIsRefused() {
        int limit = Affinity.cpuLimit();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Affinity.pinCurrentThread(limit));
        assertTrue(e.getMessage().contains("cpu " + limit + " does not exist"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Affinity.pinCurrentThread(-1));
    }

    @Test
    void pinningAVirtualThreadIsRefused() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                Affinity.pinCurrentThread(0);
            } catch (Throwable e) {
                failure.set(e);
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, failure.get());
        assertTrue(failure.get().getMessage().contains("virtual thread"), failure.get().getMessage());
    }
}
