package dev.manycore.messaging.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.FaultPlan;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.SimulatedEngine;
import dev.manycore.messaging.SimulationReport;
import dev.manycore.messaging.sim.SimAgents.Echo;
import dev.manycore.messaging.sim.SimAgents.Ping;
import dev.manycore.messaging.sim.SimAgents.Recorder;
import dev.manycore.messaging.sim.SimAgents.Scripted;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static dev.manycore.messaging.sim.SimAgents.thrown;
import static dev.manycore.messaging.sim.SimulatedEngineTest.FAR_LATENCY;
import static dev.manycore.messaging.sim.SimulatedEngineTest.SERVICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectionTest {

    static final Topology MESH = SimulatedEngineTest.MESH;

    static SimulatedEngine engine() {
        return SimulatedEngine.builder(MESH).build();
    }

    static AtomicReference<Recorder> recorder(SimulatedEngine engine, int core, long receiveFrom, List<Address> out) {
        AtomicReference<Recorder> rec = new AtomicReference<>();
        out.add(engine.spawn(MESH.core(core), ctx -> {
            rec.set(new Recorder(ctx, receiveFrom));
            return rec.get();
        }));
        return rec;
    }

    /** Sends {@code payloads} to {@code to} at each of the given times, recording the statuses. */
    static AtomicReference<Scripted> sender(SimulatedEngine engine, int core, Address to, long... times) {
        AtomicReference<Scripted> s = new AtomicReference<>();
        engine.spawn(MESH.core(core), ctx -> {
            s.set(new Scripted(ctx, null));
            return s.get();
        });
        int n = 0;
        for (long t : times) {
            int number = ++n;
            engine.at(t, () -> s.get().statuses.add(s.get().ctx.send(to, new Ping(number), number)));
        }
        return s;
    }

    @Test
    void crashedAgentLosesWhatWasQueuedOrInFlightAndLaterSendsAreClosed() {
        try (SimulatedEngine engine = engine()) {
            List<Address> a = new ArrayList<>();
            recorder(engine, 63, 1_000_000, a);
            Address victim = a.getFirst();
            // two arrive and wait in the mailbox (430 ns), two are in flight at the crash (sent at 900)
            AtomicReference<Scripted> s = sender(engine, 0, victim, 0, 0, 900, 900, 2_000);
            engine.schedule(new Fault.CrashAgent(victim, 1_000));
            engine.runUntil(10_000);

            assertEquals(List.of(SendStatus.DELIVERED, SendStatus.DELIVERED, SendStatus.DELIVERED, SendStatus.DELIVERED,
                    SendStatus.CLOSED), s.get().statuses);
            SimulationReport report = engine.report();
            assertEquals(4, report.lostToCrash());
            assertEquals(Map.of(victim, 4L), report.lostByAddress());
            assertEquals(1, report.refusedClosed());
            assertFalse(engine.isLive(victim));
            assertEquals(0, report.inFlight());
            assertEquals(0, report.queued());
        }
    }

    @Test
    void messagesSentBeforeACrashStillArrive() {
        try (SimulatedEngine engine = engine()) {
            List<Address> a = new ArrayList<>();
            AtomicReference<Recorder> rec = recorder(engine, 63, 0, a);
            AtomicReference<Scripted> s = sender(engine, 0, a.getFirst(), 0);
            engine.at(0, () -> { });
            engine.schedule(new Fault.CrashAgent(new Address(MESH.core(0), 1), 100));
            engine.runUntil(10_000);
            assertEquals(List.of(SendStatus.DELIVERED), s.get().statuses);
            assertEquals(List.of(new Ping(1)), rec.get().payloads());
        }
    }

    @Test
    void crashedCoreTakesAllItsAgentsAndRefusesNewOnes() {
        try (SimulatedEngine engine = engine()) {
            Address a = engine.spawn(MESH.core(5), Echo::new);
            Address b = engine.spawn(MESH.core(5), Echo::new);
            Address c = engine.spawn(MESH.core(6), Echo::new);
            engine.schedule(new Fault.CrashCore(MESH.core(5), 50));
            engine.runUntil(100);
            assertFalse(engine.isLive(a));
            assertFalse(engine.isLive(b));
            assertTrue(engine.isLive(c));
            thrown(IllegalStateException.class, () -> engine.spawn(MESH.core(5), Echo::new), "core5 crashed");
            assertEquals(SendStatus.CLOSED, engine.inject(c, a, new Ping(1), 0));
        }
    }

    @Test
    void delayedLinkSlowsMessagesOnlyWhileTheFaultLasts() {
        try (SimulatedEngine engine = engine()) {
            List<Address> a = new ArrayList<>();
            AtomicReference<Recorder> rec = recorder(engine, 63, 0, a);
            sender(engine, 0, a.getFirst(), 1_000, 20_000);
            engine.schedule(new Fault.DelayLink(MESH.cluster(15), MESH.cluster(0), 5_000, 500, 10_000));
            engine.runUntil(100_000);
            assertEquals(1_000 + FAR_LATENCY + 5_000 + SERVICE, rec.get().seen.get(0).at());
            assertEquals(20_000 + FAR_LATENCY + SERVICE, rec.get().seen.get(1).at());
            assertEquals(2, engine.report().faultTransitions());
        }
    }

    @Test
    void delayStartingMidStreamNeverReordersASender() {
        try (SimulatedEngine engine = engine()) {
            List<Address> a = new ArrayList<>();
            AtomicReference<Recorder> rec = recorder(engine, 63, 0, a);
            long[] times = new long[40];
            for (int i = 0; i < times.length; i++) {
                times[i] = 100L * i;
            }
            sender(engine, 0, a.getFirst(), times);
            engine.schedule(new Fault.DelayLink(MESH.cluster(0), MESH.cluster(15), 3_000, 1_000, 1_000));
            engine.runUntil(100_000);
            List<Object> expected = new ArrayList<>();
            for (int i = 1; i <= times.length; i++) {
                expected.add(new Ping(i));
            }
            assertEquals(expected, rec.get().payloads());
        }
    }

    @Test
    void mailboxHeldFullRefusesWithFullThenAcceptsAgain() {
        try (SimulatedEngine engine = engine()) {
            List<Address> a = new ArrayList<>();
            AtomicReference<Recorder> rec = recorder(engine, 63, 0, a);
            AtomicReference<Scripted> s = sender(engine, 0, a.getFirst(), 0, 1_500, 2_500, 6_000);
            engine.schedule(new Fault.HoldMailboxFull(a.getFirst(), 1_000, 4_000));
            engine.runUntil(100_000);
            assertEquals(List.of(SendStatus.DELIVERED, SendStatus.FULL, SendStatus.FULL, SendStatus.DELIVERED),
                    s.get().statuses);
            assertEquals(List.of(new Ping(1), new Ping(4)), rec.get().payloads());
            assertEquals(2, engine.report().refusedFull());
        }
    }

    @Test
    void partitionRefusesAcrossHoldsWhatWasInFlightAndLeavesEachSideConnected() {
        try (SimulatedEngine engine = engine()) {
            List<Address> a = new ArrayList<>();
            AtomicReference<Recorder> island = recorder(engine, 63, 0, a);
            AtomicReference<Recorder> mainland = recorder(engine, 4, 0, a);
            // sent at 0: arrives 430, before the cut; sent at 800: in flight when the cut opens at 1000
            AtomicReference<Scripted> s = sender(engine, 0, a.get(0), 0, 800, 2_000, 60_000);
            AtomicReference<Scripted> local = sender(engine, 1, a.get(1), 2_000);
            engine.schedule(new Fault.Partition(List.of(Set.of(MESH.cluster(15))), 1_000, 49_000));
            engine.runUntil(100_000);

            assertEquals(List.of(SendStatus.DELIVERED, SendStatus.DELIVERED, SendStatus.CLOSED, SendStatus.DELIVERED),
                    s.get().statuses);
            assertEquals(List.of(SendStatus.DELIVERED), local.get().statuses);
            assertEquals(List.of(new Ping(1), new Ping(2), new Ping(4)), island.get().payloads());
            assertEquals(FAR_LATENCY + SERVICE, island.get().seen.get(0).at());
            assertEquals(50_000 + SERVICE, island.get().seen.get(1).at(), "held at the cut until it healed");
            assertEquals(1, mainland.get().seen.size());
            SimulationReport report = engine.report();
            assertEquals(1, report.heldByPartition());
            assertEquals(1, report.refusedClosed());
            assertEquals(0, report.lostToCrash());
        }
    }

    @Test
    void faultsAreValidatedAgainstTheEngine() {
        try (SimulatedEngine engine = engine()) {
            Address echo = engine.spawn(MESH.core(1), Echo::new);
            engine.runUntil(1_000);
            thrown(IllegalArgumentException.class, () -> engine.schedule(new Fault.CrashAgent(echo, 10)), "in the past");
            thrown(IllegalArgumentException.class,
                    () -> engine.schedule(new Fault.CrashAgent(new Address(MESH.core(1), 42), 2_000)), "no agent");
            thrown(IllegalArgumentException.class,
                    () -> engine.schedule(new Fault.DelayLink(new ClusterId(99), MESH.cluster(0), 5, 2_000, 5)));
            thrown(IllegalArgumentException.class, () -> new Fault.DelayLink(MESH.cluster(1), MESH.cluster(0), 0, 0, 5),
                    "not positive");
            thrown(IllegalArgumentException.class, () -> new Fault.HoldMailboxFull(echo, -1, 5), "negative");
            thrown(IllegalArgumentException.class, () -> new Fault.HoldMailboxFull(echo, 0, 0), "duration 0");
            thrown(IllegalArgumentException.class, () -> new Fault.Partition(List.of(), 0, 5), "no group");
            thrown(IllegalArgumentException.class, () -> new Fault.Partition(List.of(Set.of(MESH.cluster(1)),
                    Set.of(MESH.cluster(1), MESH.cluster(2))), 0, 5), "two partition groups");
            thrown(IllegalArgumentException.class, () -> FaultPlan.random(1, MESH, List.of(), 0, 10, 3), "too short");
        }
    }

    @Test
    void randomPlansRepeatFromTheirSeed() {
        List<Address> servers = List.of(new Address(MESH.core(1), 0), new Address(MESH.core(2), 1));
        FaultPlan a = FaultPlan.random(42, MESH, servers, 0, 1_000_000, 50);
        FaultPlan b = FaultPlan.random(42, MESH, servers, 0, 1_000_000, 50);
        FaultPlan c = FaultPlan.random(43, MESH, servers, 0, 1_000_000, 50);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertTrue(a.faults().size() >= 40, "only repeated crashes of one agent are dropped: " + a.faults().size());
        for (int i = 1; i < a.faults().size(); i++) {
            assertTrue(a.faults().get(i - 1).at() <= a.faults().get(i).at());
        }
        assertTrue(a.faults().stream().map(Object::getClass).distinct().count() == 5, "every kind is drawn");
    }

    /**
     * 200 seeds of random faults under request/echo traffic (-Dsim.seeds=N for more; -Dsim.seed=S
     * replays one): every accepted message is handed over or counted as lost to a crash.
     */
    @Test
    void randomFaultsNeverLoseAMessageSilently() {
        long only = Long.getLong("sim.seed", -1);
        long first = only >= 0 ? only : 1;
        long last = only >= 0 ? only : Long.getLong("sim.seeds", 200);
        for (long seed = first; seed <= last; seed++) {
            String replay = "seed " + seed + "; replay: ./mvnw -pl messaging -am verify -Djcstress.skip=true "
                    + "-Dtest='FaultInjectionTest#randomFaultsNeverLoseAMessageSilently' "
                    + "-Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=" + seed;
            try (SimulatedEngine engine = SimulatedEngine.builder(MESH).seed(seed).mailboxCapacity(8).build()) {
                List<Address> servers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    servers.add(engine.spawn(MESH.core(16 * i + 3), Echo::new));
                }
                List<AtomicReference<Scripted>> clients = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    long[] times = new long[50];
                    for (int i = 0; i < times.length; i++) {
                        times[i] = 200L * i + c;
                    }
                    clients.add(sender(engine, 40 + c, servers.get(c % 4), times));
                }
                engine.scheduleRandomFaults(servers, 10_000, 6);
                engine.runUntil(200_000);
                SimulationReport r = engine.report();
                long accepted = clients.stream().flatMap(s -> s.get().statuses.stream())
                        .filter(SendStatus::isDelivered).count();
                long echoed = clients.stream().mapToLong(s -> s.get().seen.size()).sum();
                assertTrue(accepted > 0 && r.faultTransitions() > 0, replay);
                // every accepted message (request or echo) was handed over or counted as lost to a crash
                assertEquals(0, r.inFlight() + r.queued(), replay);
                assertEquals(r.sent(), r.received() + r.lostToCrash(), replay);
                assertTrue(echoed <= accepted, replay + ": an echo answers one accepted request");
            }
        }
    }

}
