package dev.manycore.fleets;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.internal.Nearest;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.SendStatus;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    record Get() implements Request<Long> {
    }

    record Set1(long value) implements Request<Long> {
    }

    record Whoami() implements Request<Address> {
    }

    record HandedOver() implements Request<Long> {
    }

    /** Holds one number; a joiner copies it from the coordinator. */
    static final class Cell implements FleetServer {
        long value;
        long handedOver = -1;
        FleetContext ctx;

        @Override
        public void start(FleetContext context, Handlers handlers) {
            ctx = context;
            handlers.on(Get.class, (r, c) -> value)
                    .on(Set1.class, (r, c) -> value = r.value())
                    .on(Whoami.class, (r, c) -> ctx.address())
                    .on(HandedOver.class, (r, c) -> handedOver);
        }

        @Override
        public Object stateFor(Address joiner, MembershipView next) {
            return value;
        }

        @Override
        public void installState(Object state) {
            value = (Long) state;
        }

        @Override
        public Object handOver(MembershipView next) {
            return value;
        }

        @Override
        public void receiveHandOver(Address from, Object state) {
            handedOver = (Long) state;
        }
    }

    ThreadedEngine engine;
    Client client;

    @BeforeEach
    void start() {
        engine = ThreadedEngine.builder(Topology.tsar(2, 2)).workers(2).build();
        engine.start();
        client = Client.open(engine, engine.topology().core(0));
    }

    @AfterEach
    void stop() {
        engine.shutdown();
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private List<CoreId> cores(int... indexes) {
        return java.util.Arrays.stream(indexes).mapToObj(engine.topology()::core).toList();
    }

    @Test
    void firstViewHoldsEveryMemberAndTheLowestAddressCoordinates() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8, 12)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 3));
        assertEquals(1, v.epoch());
        assertEquals(v.members().getFirst(), v.coordinator());
        for (Address a : v.members()) {
            assertEquals(a, client.callAndWait(a, new Whoami(), WAIT));
        }
    }

    @Test
    void dqdtPlacementSpreadsMembersOverDistinctCores() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).placement(Dqdt.of(engine.topology()), 4).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 4));
        Set<Integer> clusters = new HashSet<>();
        for (Address a : v.members()) {
            clusters.add(engine.topology().clusterOf(a.core()).index());
        }
        assertEquals(4, clusters.size(), "one member per cluster of a 2x2 mesh: " + v.members());
    }

    @Test
    void joinerReceivesTheStateAndServes() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 2));
        for (Address a : v.members()) {
            client.callAndWait(a, new Set1(77), WAIT);
        }
        Address joiner = get(fleet.grow(engine.topology().core(12)));
        MembershipView after = fleet.view();
        assertEquals(2, after.epoch());
        assertTrue(after.contains(joiner));
        assertEquals(77L, client.callAndWait(joiner, new Get(), WAIT));
    }

    @Test
    void leaverIsRemovedAndForwardsWhatStillReachesIt() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8, 12)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 3));
        Address leaver = v.members().get(1);
        MembershipView after = get(fleet.shrink(leaver));
        assertFalse(after.contains(leaver));
        assertEquals(2, after.size());
        Address answeredBy = client.callAndWait(leaver, new Whoami(), WAIT);
        assertTrue(after.contains(answeredBy), "forwarded to a member, answered by " + answeredBy);
    }

    @Test
    void leaverHandsItsStateToTheCoordinator() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8, 12)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 3));
        Address leaver = v.members().getLast();
        client.callAndWait(leaver, new Set1(99), WAIT);
        MembershipView after = get(fleet.shrink(leaver));
        long deadline = System.nanoTime() + WAIT.toNanos();
        long received = -1;
        while (received != 99 && System.nanoTime() < deadline) {
            received = client.callAndWait(after.coordinator(), new HandedOver(), WAIT);
        }
        assertEquals(99, received);
    }

    @Test
    void aFailStopCrashClosesTheMailboxAndTheMemberIsSuspectedAndRemoved() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8, 12, 13))
                .failureDetection(Duration.ofMillis(50), Duration.ofMillis(1000)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 4));
        Address victim = v.members().getFirst();
        get(fleet.failStop(victim));
        assertEquals(SendStatus.CLOSED, engine.inject(victim, victim, new Get(), 0L),
                "a crashed member's mailbox is closed (fail-stop)");
        MembershipView after = get(fleet.whenView(view -> !view.contains(victim)));
        assertEquals(3, after.size());
        assertEquals(after.members().getFirst(), after.coordinator());
        for (Address a : after.members()) {
            assertEquals(a, client.callAndWait(a, new Whoami(), WAIT));
        }
    }

    /** A fleet of three cells on cores 4, 8 and 12, heartbeats every 50 ms, once its view has all three. */
    private Fleet threeCells(Duration suspectAfter) throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8, 12))
                .failureDetection(Duration.ofMillis(50), suspectAfter).start();
        get(fleet.whenView(view -> view.size() == 3));
        return fleet;
    }

    @Test
    void aDepartedMemberForwardsPastACrashedMemberTheViewStillShows() throws Exception {
        Fleet fleet = threeCells(Duration.ofSeconds(60));
        MembershipView v = fleet.view();
        Address departed = v.members().get(1);
        MembershipView after = get(fleet.shrink(departed));
        Topology t = engine.topology();
        Address nearest = Nearest.among(t, t.clusterOf(departed.core()), after.members());
        Address other = after.members().stream().filter(a -> !a.equals(nearest)).findFirst().orElseThrow();
        get(fleet.failStop(nearest)); // closed, but not suspected for a minute: the view still shows it
        assertTrue(fleet.view().contains(nearest));
        assertEquals(other, client.callAndWait(departed, new Whoami(), WAIT),
                "the departed member forwarded to the next nearest live member");
    }

    @Test
    void aHungMemberKeepsItsMailboxOpenAndIsRemovedForItsSilence() throws Exception {
        Fleet fleet = threeCells(Duration.ofMillis(1000));
        Address victim = fleet.view().members().getLast();
        fleet.crash(victim);
        MembershipView after = get(fleet.whenView(view -> !view.contains(victim)));
        assertEquals(2, after.size());
        assertEquals(SendStatus.DELIVERED, engine.inject(victim, victim, new Get(), 0L),
                "a black hole accepts messages and answers none");
    }

    @Test
    void theCoordinatorItselfCanLeaveAndTheNextLowestTakesOver() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8, 12)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 3));
        Address coordinator = v.coordinator();
        MembershipView after = get(fleet.shrink(coordinator));
        assertEquals(v.members().get(1), after.coordinator());
        Address joiner = get(fleet.grow(engine.topology().core(13)));
        assertTrue(fleet.view().contains(joiner), "the new coordinator admits joiners");
        assertEquals(joiner, client.callAndWait(joiner, new Whoami(), WAIT));
    }

    @Test
    void aJoinInterruptedByAFailureCompletesInTheNextView() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8, 12))
                .failureDetection(Duration.ofMillis(50), Duration.ofMillis(1000)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 3));
        Address victim = v.members().get(1);
        fleet.crash(victim);
        Address joiner = get(fleet.grow(engine.topology().core(13)));
        MembershipView after = get(fleet.whenView(view -> view.contains(joiner) && !view.contains(victim)));
        assertEquals(3, after.size());
    }

    @Test
    void membersReportTheirLoad() throws Exception {
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 8))
                .failureDetection(Duration.ofMillis(10), Duration.ofMillis(1000)).start();
        MembershipView v = get(fleet.whenView(view -> view.size() == 2));
        for (int i = 0; i < 100; i++) {
            client.callAndWait(v.members().getFirst(), new Get(), WAIT);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fleet.loads().getOrDefault(v.members().getFirst(), new LoadReport(null, 0, 0, 0, 0)).requests() < 100
                && System.nanoTime() < deadline) {
            client.callAndWait(v.members().getFirst(), new Get(), WAIT);
        }
        assertTrue(fleet.loads().get(v.members().getFirst()).requests() >= 100);
        assertTrue(fleet.metrics(v.members().getFirst()).requests() >= 100);
    }

    @Test
    void badConfigurationsAreRefusedWithTheSetting() {
        assertThrows(IllegalArgumentException.class, () -> Fleet.builder(engine, "cells", Cell::new).cores(cores(4, 4)));
        assertThrows(IllegalArgumentException.class, () -> Fleet.builder(engine, " ", Cell::new));
        assertThrows(IllegalArgumentException.class, () -> Fleet.builder(engine, "cells", Cell::new)
                .failureDetection(Duration.ofMillis(10), Duration.ofMillis(5)));
        assertThrows(IllegalStateException.class, () -> Fleet.builder(engine, "cells", Cell::new).start());
        Fleet fleet = Fleet.builder(engine, "cells", Cell::new).cores(cores(4)).start();
        assertThrows(IllegalArgumentException.class, () -> fleet.grow(engine.topology().core(4)));
        assertThrows(IllegalStateException.class, fleet::grow);
    }
}
