package dev.manycore.fleets.names;

import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.FleetContext;
import dev.manycore.fleets.FleetServer;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.MembershipView;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetRegistrationTest {

    static final class Idle implements FleetServer {
        @Override
        public void start(FleetContext context, Handlers handlers) {
        }
    }

    @Test
    void aFleetStaysRegisteredUnderItsNameAsItGrowsAndLosesMembers() throws Exception {
        Topology topology = Topology.tsar(4, 4);
        try (ThreadedEngine engine = ThreadedEngine.builder(topology).workers(2).build()) {
            engine.start();
            NameService names = NameService.builder(engine).cores(List.of(topology.core(0), topology.core(60))).start();
            Fleet cells = Fleet.builder(engine, "cells", Idle::new)
                    .cores(List.of(topology.core(20), topology.core(24), topology.core(40)))
                    .failureDetection(Duration.ofMillis(50), Duration.ofMillis(1000)).start();
            MembershipView first = cells.whenView(v -> v.size() == 3).get(30, TimeUnit.SECONDS);
            NameServiceClient client = names.client(topology.core(1), "app");
            Name name = Name.of("/svc/cells");
            assertThrows(IllegalArgumentException.class,
                    () -> FleetRegistration.follow(cells, name, NameFlags.single(), client));
            FleetRegistration registration = FleetRegistration.follow(cells, name,
                    NameFlags.serviceSet(LookupPolicy.NEAREST), client);
            awaitMembers(client, name, Set.copyOf(first.members()));

            Address joiner = cells.grow(topology.core(44)).get(30, TimeUnit.SECONDS);
            awaitMembers(client, name, Set.copyOf(cells.view().members()));
            Address victim = first.members().get(1);
            cells.crash(victim);
            MembershipView after = cells.whenView(v -> !v.contains(victim)).get(30, TimeUnit.SECONDS);
            awaitMembers(client, name, Set.copyOf(after.members()));
            assertEquals(Set.of(first.members().get(0), first.members().get(2), joiner), Set.copyOf(after.members()));
            registration.close();
        }
    }

    @Test
    void whenSyncedCompletesOnceTheNameListsTheViewAndFailsOnClose() throws Exception {
        Topology topology = Topology.tsar(4, 4);
        try (ThreadedEngine engine = ThreadedEngine.builder(topology).workers(2).build()) {
            engine.start();
            NameService names = NameService.builder(engine).cores(List.of(topology.core(0))).start();
            Fleet cells = Fleet.builder(engine, "cells", Idle::new)
                    .cores(List.of(topology.core(20), topology.core(40))).start();
            MembershipView first = cells.whenView(v -> v.size() == 2).get(30, TimeUnit.SECONDS);
            NameServiceClient client = names.client(topology.core(1), "app");
            Name name = Name.of("/svc/cells");
            FleetRegistration registration = FleetRegistration.follow(cells, name,
                    NameFlags.serviceSet(LookupPolicy.NEAREST), client);
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> registration.whenSynced(0));
            assertTrue(zero.getMessage().contains("epoch 0"), zero.getMessage());

            long synced = registration.whenSynced(first.epoch()).get(30, TimeUnit.SECONDS);
            assertTrue(synced >= first.epoch(), "synced " + synced);
            // no polling: the name lists the view's members as soon as the future completes
            assertEquals(Set.copyOf(first.members()), Set.copyOf(client.blocking().lookupAll(name)));

            cells.grow(topology.core(44)).get(30, TimeUnit.SECONDS);
            MembershipView grown = cells.whenView(v -> v.size() == 3).get(30, TimeUnit.SECONDS);
            registration.whenSynced(grown.epoch()).get(30, TimeUnit.SECONDS);
            assertEquals(Set.copyOf(grown.members()), Set.copyOf(client.blocking().lookupAll(name)));
            assertEquals(grown.epoch(), registration.syncedEpoch());

            CompletableFuture<Long> never = registration.whenSynced(grown.epoch() + 1);
            registration.close();
            ExecutionException closed = assertThrows(ExecutionException.class, () -> never.get(30, TimeUnit.SECONDS));
            assertTrue(closed.getCause() instanceof IllegalStateException, closed.toString());
            assertTrue(closed.getCause().getMessage().contains("closed before view " + (grown.epoch() + 1)),
                    closed.getCause().getMessage());
            assertEquals(grown.epoch(), registration.whenSynced(grown.epoch()).getNow(-1L));
        }
    }

    static void awaitMembers(NameServiceClient client, Name name, Set<Address> expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Set<Address> seen = Set.of();
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            try {
                seen = Set.copyOf(client.blocking().lookupAll(name));
            } catch (NameNotFoundException e) {
                seen = Set.of();
            }
        }
        assertEquals(expected, seen);
    }
}
