package dev.manycore.messaging;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CostModel;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficAccountingTest {

    record Sample(long value) {
    }

    /** Sends {@code count} samples to {@code to}, then counts down. */
    static AgentFactory sender(Address to, int count, CountDownLatch done) {
        return ctx -> new Agent() {
            int sent;

            @Override
            public int doWork() {
                if (sent == count) {
                    return 0;
                }
                if (ctx.send(to, new Sample(sent)) == SendStatus.DELIVERED && ++sent == count) {
                    done.countDown();
                }
                return 1;
            }
        };
    }

    @Test
    void snapshotMergesWorkerStripesIntoLocalityHopsBytesAndEnergy() throws Exception {
        Topology mesh = Topology.tsar(4, 4);
        CostModel cost = CostModel.tsar().withTopology(mesh);
        try (ThreadedEngine engine = ThreadedEngine.builder(mesh).workers(2).costModel(cost).build()) {
            Address sink = engine.spawn(mesh.core(0), ctx -> () -> ctx.receive(e -> { }, 256));
            CountDownLatch done = new CountDownLatch(2);
            // 300 messages from the sink's own cluster (core 1: 0 hops), 100 from the far corner (core 63)
            engine.spawn(mesh.core(1), sender(sink, 300, done));
            engine.spawn(mesh.core(63), sender(sink, 100, done));
            engine.start();
            assertTrue(done.await(60, TimeUnit.SECONDS));
            engine.shutdown();

            TrafficSnapshot t = engine.traffic();
            ClusterId c0 = mesh.cluster(0);
            ClusterId far = mesh.clusterOf(mesh.core(63));
            int hops = mesh.distance(far, c0);
            long bytesPerMessage = t.bytes(c0, c0) / 300;

            assertEquals(400, t.messages());
            assertEquals(0.75, t.localityRatio(), 1e-9);
            assertEquals(300, t.messages(c0, c0));
            assertEquals(100, t.messages(far, c0));
            assertEquals(300, t.messagesByHops()[0]);
            assertEquals(100, t.messagesByHops()[hops]);
            assertEquals(bytesPerMessage * 100, t.bytes(far, c0), "same payload class, same size");
            assertEquals(0, t.hopBytes(c0, c0));
            assertEquals(t.bytes(far, c0) * hops, t.hopBytes());
            assertEquals(cost.messageEnergy(hops, (int) t.bytes(far, c0)), t.energyPicojoules(), 1e-6);
        }
    }

    @Test
    void emptyEngineHasNoTrafficAndFullLocality() {
        try (ThreadedEngine engine = ThreadedEngine.builder(Topology.tsar(2, 2)).workers(1).build()) {
            TrafficSnapshot t = engine.traffic();
            assertEquals(0, t.messages());
            assertEquals(1.0, t.localityRatio());
            assertEquals(0.0, t.energyPicojoules());
        }
    }
}
