package dev.manycore.fleets.pages;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A threaded engine, a DQDT and a started page allocator, for the fleet's tests. */
final class PageAllocatorFixture implements AutoCloseable {

    final Topology topology;
    final ThreadedEngine engine;
    final Dqdt dqdt;
    final PageAllocator pages;

    PageAllocatorFixture(Topology topology, UnaryOperator<PageAllocator.Builder> configure) {
        this(topology, (engine, b) -> configure.apply(b));
    }

    PageAllocatorFixture(Topology topology,
                         java.util.function.BiFunction<ThreadedEngine, PageAllocator.Builder, PageAllocator.Builder> configure) {
        this.topology = topology;
        this.engine = ThreadedEngine.builder(topology).workers(2).build();
        this.dqdt = Dqdt.of(topology);
        this.pages = configure.apply(engine, PageAllocator.builder(engine, dqdt)).start();
        engine.start();
        try {
            pages.ready().get(30, TimeUnit.SECONDS);
            pages.fleet().whenView(v -> v.size() == pages.memberCores().size()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the page fleet did not form", e);
        }
    }

    /** A 4x4 mesh of 4-core clusters with small banks. */
    static Topology mesh(int pagesPerCluster) {
        return Topology.mesh(4, 4).coresPerCluster(4).pagesPerCluster(pagesPerCluster).name("test 4x4").build();
    }

    /** @return a core of a cluster that is not a member's core */
    dev.manycore.numa.CoreId userCore(ClusterId cluster) {
        for (dev.manycore.numa.CoreId c : topology.coresOf(cluster)) {
            if (!pages.memberCores().contains(c)) {
                return c;
            }
        }
        throw new AssertionError(cluster + " has no user core");
    }

    /** Checks free + allocated == total per cluster, and the DQDT's counts equal the banks'. */
    PageAccounting assertConserved() {
        PageAccounting a = pages.accounting();
        assertTrue(a.isConserved(), () -> "free + allocated != total: " + a);
        for (PageAccounting.ClusterPages c : a.clusters()) {
            assertEquals(c.free(), dqdt.freePages(c.cluster()), () -> "DQDT free pages of " + c.cluster());
        }
        return a;
    }

    static Duration seconds(int s) {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close() {
        engine.shutdown();
        pages.close();
    }
}
