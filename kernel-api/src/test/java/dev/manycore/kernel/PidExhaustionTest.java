package dev.manycore.kernel;

import dev.manycore.fleets.processes.OutOfPidsException;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full PID space refuses spawns with a clear error and changes nothing; an exit makes room again. */
class PidExhaustionTest {

    @Test
    void spawnFailsWhenEveryPidIsInUseAndWorksAgainAfterAnExit() throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(2, 2)).processManagers(2).maxProcesses(4)
                .start()) {
            CountDownLatch release = new CountDownLatch(1);
            List<UserProcess> holders = new ArrayList<>();
            Set<Long> pids = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                UserProcess p = kernel.spawn(ProcessSpec.of("holder-" + i, ctx -> release.await()));
                holders.add(p);
                pids.add(p.pid());
            }
            assertEquals(Set.of(1L, 2L, 3L, 4L), pids, "both members' shares are used (the dPool moves PIDs on demand)");
            KernelCensus full = kernel.census();
            OutOfPidsException e = assertThrows(OutOfPidsException.class,
                    () -> kernel.spawn(ProcessSpec.of("one-too-many", ctx -> { })));
            assertTrue(e.getMessage().contains("one-too-many") && e.getMessage().contains("PID"), e.getMessage());
            assertEquals(full, kernel.census(), "a refused spawn changes nothing");
            release.countDown();
            for (UserProcess p : holders) {
                assertEquals(0, p.waitFor(Duration.ofSeconds(60)));
            }
            UserProcess again = kernel.spawn(ProcessSpec.of("again", ctx -> { }));
            assertTrue(pids.contains(again.pid()), "PIDs are reused");
            assertEquals(0, again.waitFor(Duration.ofSeconds(60)));
        }
    }
}
