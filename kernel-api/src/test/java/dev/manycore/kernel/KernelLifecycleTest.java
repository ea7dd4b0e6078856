package dev.manycore.kernel;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** close() stops processes and refuses every later call. */
class KernelLifecycleTest {

    @Test
    void closeStopsRunningProcessesAndRefusesLaterCalls() throws Exception {
        Kernel kernel = KernelBuilder.create().topology(Topology.tsar(2, 2)).exitGrace(Duration.ofSeconds(20)).start();
        CountDownLatch waiting = new CountDownLatch(1);
        UserProcess sleeper = kernel.spawn(ProcessSpec.of("sleeper", ctx -> {
            waiting.countDown();
            ctx.syscalls().receive(Duration.ofMinutes(5));
            ctx.syscalls().safePoint();
        }));
        assertTrue(waiting.await(30, TimeUnit.SECONDS));
        java.util.concurrent.atomic.AtomicReference<Throwable> fromInside = new java.util.concurrent.atomic.AtomicReference<>();
        assertEquals(0, kernel.spawn(ProcessSpec.of("closer", ctx -> {
            try {
                kernel.close();
            } catch (IllegalStateException e) {
                fromInside.set(e);
            }
        })).waitFor(Duration.ofSeconds(30)));
        assertTrue(fromInside.get() != null && fromInside.get().getMessage().contains("from outside"),
                "a process cannot close its own kernel: " + fromInside.get());
        kernel.close();
        assertFalse(sleeper.isAlive(), "close() waits for the processes it kills");
        assertEquals(137, sleeper.waitFor(Duration.ofSeconds(1)));

        assertClosed(assertThrows(IllegalStateException.class, kernel::topology));
        assertClosed(assertThrows(IllegalStateException.class, kernel::report));
        assertClosed(assertThrows(IllegalStateException.class, kernel::census));
        assertClosed(assertThrows(IllegalStateException.class, kernel::fleetCores));
        assertClosed(assertThrows(IllegalStateException.class,
                () -> kernel.spawn(ProcessSpec.of("late", ctx -> { }))));
        assertClosed(assertThrows(IllegalStateException.class, sleeper::kill));
        assertDoesNotThrow(kernel::close, "close is idempotent");
    }

    private static void assertClosed(IllegalStateException e) {
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
