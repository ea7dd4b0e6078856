package dev.manycore.fleets.pages;

import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.names.NameService;
import dev.manycore.fleets.names.NameServiceClient;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page allocator's members registered under /sys/pages: clients reach the nearest one by name. */
class PageAllocatorNamingTest {

    @Test
    void membersAreRegisteredAndClientsReachTheNearestThroughTheNameService() throws Exception {
        Topology topology = PageAllocatorFixture.mesh(1024);
        NameService[] names = new NameService[1];
        try (PageAllocatorFixture f = new PageAllocatorFixture(topology, (engine, b) -> {
            names[0] = NameService.builder(engine).cores(List.of(topology.core(0), topology.core(60))).start();
            return b.nameService(names[0]);
        })) {
            names[0].fleet().whenView(v -> v.size() == 2).get(30, TimeUnit.SECONDS);
            NameServiceClient lookup = names[0].client(topology.core(1), "test");
            Set<Address> members = Set.copyOf(f.pages.fleet().members());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Set<Address> seen = Set.of();
            while (!seen.equals(members) && System.nanoTime() < deadline) {
                try {
                    seen = Set.copyOf(lookup.blocking().lookupAll(Name.of(PageAllocator.NAME)));
                } catch (NameNotFoundException notYet) {
                    seen = Set.of();
                }
            }
            assertEquals(members, seen);
            for (ClusterId c : topology.clusters()) {
                CoreId core = f.userCore(c);
                Address nearest = names[0].client(core, "test").blocking().lookup(Name.of(PageAllocator.NAME));
                int best = Integer.MAX_VALUE;
                for (Address m : members) {
                    best = Math.min(best, topology.distance(c, topology.clusterOf(m.core())));
                }
                assertEquals(best, topology.distance(c, topology.clusterOf(nearest.core())), "nearest member of " + c);
                PageAllocatorClient client = f.pages.client(core);
                PageRun run = client.allocate(1, 3);
                assertEquals(c, run.cluster());
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (client.nearestByName() == null && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertEquals(nearest, client.nearestByName(), "the client learnt its member from the name service");
            }
            assertEquals(2 * topology.clusterCount(), f.assertConserved().heldPages());
            assertTrue(f.pages.client(f.userCore(topology.cluster(0))).releaseOwner(3) == 2 * topology.clusterCount());
        }
    }
}
