package dev.manycore.fleets.processes;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.MembershipView;
import dev.manycore.fleets.names.NameService;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A process manager member that leaves hands its records and PIDs over; its processes live on. */
class ProcessManagerElasticityTest {

    @Test
    void aLeavingMemberHandsItsProcessesOver() throws Exception {
        Topology chip = Topology.tsar(2, 2);
        NameResolver resolver = NameService.newResolver(chip);
        try (ThreadedEngine engine = ThreadedEngine.builder(chip).workers(2).nameResolver(resolver).build()) {
            engine.start();
            Dqdt dqdt = Dqdt.of(chip);
            NameService names = NameService.builder(engine).publishTo(resolver).cores(List.of(chip.core(0))).start();
            names.fleet().whenView(v -> v.size() == 1).get(30, TimeUnit.SECONDS);
            // Members on clusters 0 (the coordinator: lowest address), 1 and 3; clients next to the first
            // and the last, so each spawns at its nearest member. The last member's nearest other member
            // is the one on cluster 1, not the coordinator that adopts its records: requests that its
            // forwarding sends there must go on to the coordinator.
            ProcessManager pm = ProcessManager.builder(engine, dqdt, names)
                    .cores(List.of(chip.core(1), chip.core(5), chip.core(13))).maxProcesses(8).start();
            pm.fleet().whenView(v -> v.size() == 3).get(30, TimeUnit.SECONDS);
            Client nearFirst = Client.open(engine, chip.core(2));
            Client nearSecond = Client.open(engine, chip.core(14));
            ProcessManagerClient a = pm.client(nearFirst);
            ProcessManagerClient b = pm.client(nearSecond);
            ProcessPlacement stays = a.spawn("stays", 0, null);
            ProcessPlacement moves = b.spawn("moves", 0, null);
            Address leaving = moves.process().manager();
            assertFalse(leaving.equals(stays.process().manager()), "the two processes have different managers");
            ThreadPlacement thread = b.startThread(moves.process(), moves.core());
            b.pagesChanged(moves.process(), chip.clusterOf(moves.core()), 5, 5);

            MembershipView after = pm.fleet().shrink(leaving).get(60, TimeUnit.SECONDS);
            assertFalse(after.contains(leaving));

            // The old manager forwards to the adopter, which has the record: threads, pages and all.
            ProcessStatistics s = b.statistics(moves.process());
            assertEquals(2, s.threads().size());
            assertEquals(5, s.pages());
            assertTrue(dqdt.threads(thread.core()) >= 1);
            b.threadExited(moves.process(), thread.tid());
            assertEquals(new ExitStatus(moves.process().pid(), true, 4, false), b.exit(moves.process(), 4));
            a.exit(stays.process(), 0);

            ProcessCensus census = pm.census(nearFirst);
            assertEquals(0, census.processes());
            assertEquals(0, census.threads());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (census.freePids() + census.pidsInTransit() != 8 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                census = pm.census(nearFirst);
            }
            assertEquals(8, census.freePids(), "the leaver's PIDs went to the adopter: " + census);
            for (var c : chip.clusters()) {
                assertEquals(0, dqdt.threads(c), "DQDT counts given back in " + c);
            }
            ProcessPlacement again = b.spawn("again", 0, null);
            assertTrue(after.contains(again.process().manager()));
            b.exit(again.process(), 0);
        }
    }
}
