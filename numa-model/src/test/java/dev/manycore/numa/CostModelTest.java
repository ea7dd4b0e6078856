package dev.manycore.numa;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostModelTest {

    private final Topology mesh = Topology.tsar(4, 4);
    private final CostModel model = CostModel.builder(mesh).messageFixedNanos(100).perHopNanos(10).perByteNanos(0.5)
            .localMemoryNanos(40).remoteMemoryPerHopNanos(6).energyPerBitHopPicojoules(0.25).build();

    @Test
    void messageLatencyIsFixedPlusHopsPlusBytes() {
        ClusterId a = mesh.clusterAt(0, 0).orElseThrow();
        ClusterId b = mesh.clusterAt(3, 2).orElseThrow();
        assertEquals(100 + 5 * 10 + 64 / 2, model.messageLatency(a, b, 64));
        assertEquals(100, model.messageLatency(a, a, 0));
        assertEquals(model.messageLatency(5, 64), model.messageLatency(a, b, 64));
    }

    @Test
    void messageEnergyGrowsWithBitsAndHopsAndIsZeroInsideACluster() {
        ClusterId a = mesh.clusterAt(0, 0).orElseThrow();
        ClusterId b = mesh.clusterAt(1, 1).orElseThrow();
        assertEquals(8 * 64 * 2 * 0.25, model.messageEnergy(a, b, 64), 1e-9);
        assertEquals(0.0, model.messageEnergy(a, a, 64), 0.0);
    }

    @Test
    void memoryAccessCostsMoreFartherAway() {
        CoreId core = mesh.coresOf(mesh.clusterAt(0, 0).orElseThrow()).get(0);
        assertEquals(40, model.memoryAccess(core, mesh.clusterAt(0, 0).orElseThrow()));
        assertEquals(40 + 6 * 6, model.memoryAccess(core, mesh.clusterAt(3, 3).orElseThrow()));
    }

    @Test
    void presetsHaveDocumentedOrders() {
        CostModel tsar = CostModel.tsar();
        assertEquals(1024, tsar.topology().coreCount());
        assertTrue(tsar.messageFixedNanos() > tsar.perHopNanos());
        CostModel host = CostModel.host();
        assertTrue(host.topology().isHost());
        assertTrue(host.remoteMemoryPerHopNanos() > 0);
    }

    @Test
    void withTopologyKeepsCostsAndChangesDistances() {
        Topology small = Topology.tsar(2, 1);
        CostModel moved = model.withTopology(small);
        assertSame(small, moved.topology());
        assertEquals(model.perHopNanos(), moved.perHopNanos());
        assertEquals(110, moved.messageLatency(small.cluster(0), small.cluster(1), 0));
    }

    @Test
    void badCostsAndSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CostModel.builder(mesh).perHopNanos(-1));
        assertTrue(e.getMessage().contains("perHopNanos = -1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CostModel.builder(mesh).perByteNanos(Double.NaN));
        e = assertThrows(IllegalArgumentException.class, () -> model.messageLatency(1, -8));
        assertTrue(e.getMessage().contains("bytes = -8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.messageEnergy(-1, 8));
        assertThrows(IllegalArgumentException.class,
                () -> model.messageLatency(mesh.cluster(0), new ClusterId(16), 1));
        assertThrows(NullPointerException.class, () -> CostModel.builder(null));
    }
}
