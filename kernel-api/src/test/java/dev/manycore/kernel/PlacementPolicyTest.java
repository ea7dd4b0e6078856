package dev.manycore.kernel;

import dev.manycore.fleets.processes.UserPlacement;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The locality-blind baseline places threads far from their parent; the DQDT keeps them near. */
class PlacementPolicyTest {

    private static int totalHops(UserPlacement placement) throws Exception {
        Topology chip = Topology.tsar(4, 4);
        try (Kernel kernel = KernelBuilder.create().topology(chip).placement(placement).start()) {
            List<CoreId> cores = new ArrayList<>();
            List<CoreId> parent = new ArrayList<>();
            CountDownLatch release = new CountDownLatch(1);
            UserProcess p = kernel.spawn(ProcessSpec.of("fan", ctx -> {
                List<UserThread> ts = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    ts.add(ctx.startThread(() -> {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
                synchronized (cores) {
                    parent.add(ctx.core());
                    for (UserThread t : ts) {
                        cores.add(t.core());
                    }
                }
                release.countDown();
                for (UserThread t : ts) {
                    t.join();
                }
            }));
            assertEquals(0, p.waitFor(Duration.ofSeconds(60)));
            int hops = 0;
            synchronized (cores) {
                for (CoreId c : cores) {
                    assertFalse(kernel.fleetCores().contains(c), placement + " put a thread on fleet core " + c);
                    hops += chip.distance(chip.clusterOf(parent.getFirst()), chip.clusterOf(c));
                }
            }
            return hops;
        }
    }

    @Test
    void roundRobinIgnoresLocalityAndDqdtKeepsThreadsNear() throws Exception {
        int dqdt = totalHops(UserPlacement.DQDT);
        int blind = totalHops(UserPlacement.ROUND_ROBIN);
        assertTrue(dqdt < blind, "DQDT placement " + dqdt + " hops, round robin " + blind + " hops");
    }
}
