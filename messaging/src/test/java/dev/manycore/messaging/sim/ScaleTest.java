package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.LoadGenerator;
import dev.manycore.messaging.LoadStats;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.SimulationReport;
import dev.manycore.messaging.sim.SimAgents.Echo;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 8's scale point: 1024 cores, 64 servers, 960 clients, 10 ms of virtual time. No timing threshold. */
class ScaleTest {

    private static final Logger LOG = LoggerFactory.getLogger(ScaleTest.class);

    @Test
    void thousandAndTwentyFourCoresWithSixtyFourServersAndNineHundredSixtyClients() {
        Topology tsar = Topology.tsar();
        try (SimulatedEngine engine = SimulatedEngine.builder(tsar).seed(1).build()) {
            List<Address> servers = new ArrayList<>();
            boolean[] taken = new boolean[tsar.coreCount()];
            for (int s = 0; s < 64; s++) {
                int core = s * 16;
                taken[core] = true;
                servers.add(engine.spawn(tsar.core(core), Echo::lean));
            }
            List<LoadStats> stats = new ArrayList<>();
            int clients = 0;
            for (int core = 0; core < tsar.coreCount() && clients < 960; core++) {
                if (taken[core]) {
                    continue;
                }
                Address server = servers.get(core / 16);
                LoadGenerator.Builder<Ping> load = LoadGenerator.to(server, (n, random) -> new Ping((int) n))
                        .closedLoop(1, 1_000, true).seed(engine.seedFor(server) + core);
                stats.add(load.stats());
                engine.spawn(tsar.core(core), load.build());
                clients++;
            }
            assertEquals(960, clients);

            SimulationReport r = engine.runUntil(10_000_000);

            long completed = stats.stream().mapToLong(LoadStats::completed).sum();
            assertTrue(stats.stream().allMatch(s -> s.completed() > 100), "every client is served");
            assertEquals(0, stats.stream().mapToLong(LoadStats::timedOut).sum());
            assertEquals(r.sent(), r.received() + r.inFlight() + r.queued());
            assertTrue(completed > 1_000_000, "completed " + completed);
            LOG.info("1024 cores, 64 servers, 960 clients, 10 ms virtual: {} messages, {} events, peak {} pending, "
                            + "{} ms host, {} messages per host second", r.received(), r.events(), r.peakPendingEvents(),
                    r.hostNanos() / 1_000_000, String.format("%.0f", r.receivedPerHostSecond()));
        }
    }
}
